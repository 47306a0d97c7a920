import type { AuditRecord } from "../ports/audit.js";
import { GENESIS_HASH, hashRecord } from "./hash-chain.js";

export interface ChainProblem {
  seq: number;
  problem: string;
}

/**
 * Re-derives every hash of one plan's chain, oldest first. A changed record fails its own hash; a
 * removed one leaves a gap in the sequence or a predecessor hash that no longer matches.
 */
export function verifyChain(records: readonly AuditRecord[]): ChainProblem[] {
  const problems: ChainProblem[] = [];
  let expectedSeq = 0;
  let expectedPrev = GENESIS_HASH;
  for (const record of [...records].sort((a, b) => a.seq - b.seq)) {
    // The index keys are the table's, outside the hash: verify-digests checks them against the content.
    const { seq, prevHash, hash, indexed: _indexed, ...entry } = record;
    if (seq !== expectedSeq) {
      problems.push({
        seq: expectedSeq,
        problem: `record ${expectedSeq}${seq > expectedSeq + 1 ? `-${seq - 1}` : ""} is missing`,
      });
    } else if (prevHash !== expectedPrev) {
      problems.push({ seq, problem: "its link to the previous record does not match" });
    }
    if (hashRecord(entry, seq, prevHash) !== hash) {
      problems.push({ seq, problem: "its content does not match its hash (the record was changed)" });
    }
    expectedSeq = seq + 1;
    expectedPrev = hash;
  }
  return problems;
}
