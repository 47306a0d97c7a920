import { constants, createHash, createPublicKey, type KeyObject, verify } from "node:crypto";
import { KirikaeError, type KirikaeErrorOptions } from "../errors.js";
import type { AuditRecord } from "../ports/audit.js";
import type { SignedDigest } from "../ports/digests.js";
import { digestBytes, digestHash } from "./digest-bytes.js";
import { GENESIS_HASH, hashRecord } from "./hash-chain.js";

/**
 * Which guarantee caught a finding. Anyone with the source code can recompute every hash of the chain, so
 * only the signed digests (signed by a key whose private half never leaves KMS, kept under Object Lock)
 * prove anything against someone who can write to the table; the hash chain alone catches careless edits.
 */
export type Guarantee = "signed digest" | "hash chain" | "indexed attribute";

export type FindingKind =
  | "changed"
  | "missing"
  | "duplicate"
  | "relinked"
  | "truncated"
  | "head-mismatch"
  | "bad-signature"
  | "digest-chain"
  | "digest-misplaced"
  | "index-mismatch"
  | "not-covered";

export interface TrailFinding {
  plan: string;
  region: string;
  kind: FindingKind;
  /** The first record affected, when a record is. */
  seq?: number;
  /** The digest affected (its `digestAt`), when a digest is. */
  digestAt?: string;
  problem: string;
  caughtBy: Guarantee;
}

export interface RegionVerification {
  plan: string;
  region: string;
  records: number;
  digests: number;
  /** The last record a valid signed digest vouches for (-1: none). */
  signedHeadSeq: number;
  findings: TrailFinding[];
  /**
   * Records after the last signed head: not tampering, but not proven either until the next digest
   * covers them (a digest is written at each workflow's end and on a schedule).
   */
  notCovered?: { fromSeq: number; toSeq: number; count: number };
}

export interface RegionTrail {
  plan: string;
  region: string;
  records: readonly AuditRecord[];
  digests: readonly SignedDigest[];
  /** The audit key's public half, PEM (SPKI), as KMS GetPublicKey exports it. */
  publicKeyPem: string;
  /** A slice of the chain (an export with --from): the first seq it holds; its predecessor is not there. */
  startSeq?: number;
}

/** The public key given to verify with is not a public key: nothing could be checked. */
export class AuditKeyError extends KirikaeError {
  constructor(message: string, options: KirikaeErrorOptions = {}) {
    super(message, {
      action:
        "pass the audit key's public half as PEM (SPKI), e.g. from `aws kms get-public-key` or the export's public-key.pem",
      ...options,
    });
    this.name = "AuditKeyError";
  }
}

const SEQ_WIDTH = 12;
/** AWS KMS RSASSA_PSS_SHA_256: PSS with SHA-256 and MGF1 SHA-256, a salt as long as the digest (32 bytes). */
const PSS_SALT_LENGTH = 32;

/** SHA-256 of the key's DER (SPKI): what an auditor compares with the fingerprint they got out of band. */
export function keyFingerprint(publicKeyPem: string): string {
  return createHash("sha256")
    .update(publicKeyOf(publicKeyPem).export({ type: "spki", format: "der" }))
    .digest("hex");
}

/**
 * Checks one region's chain of a plan against that region's signed digests, as CloudTrail's validate-logs
 * checks log files against its digest files:
 *   1. index keys: `day` (byDay) and the stored sort key must be what the hashed record implies
 *   2. the hash chain: sequence without gaps or duplicates, each link, each content hash
 *   3. the digests: each signed by the key (RSASSA-PSS SHA-256, as KMS signs), each naming the previous
 *      digest's hash, none going backwards
 *   4. each valid digest's head: the record at `headSeq` must still hash to `headHash`; since every
 *      record links to its predecessor, that pins every record before it, whatever an attacker recomputed
 *   5. records after the last signed head are reported apart: not covered yet, not tampering
 * Each finding names the first record (or digest) affected and the guarantee that caught it.
 */
export function verifyDigests(trail: RegionTrail): RegionVerification {
  const { plan, region } = trail;
  const key = publicKeyOf(trail.publicKeyPem);
  const found = (finding: Omit<TrailFinding, "plan" | "region">): TrailFinding => ({
    plan,
    region,
    ...finding,
  });
  const records = [...trail.records].sort((a, b) => a.seq - b.seq);
  const findings: TrailFinding[] = [
    ...indexFindings(records).map(found),
    ...chainFindings(records, trail.startSeq ?? 0).map(found),
  ];

  const trusted: SignedDigest[] = [];
  const digests = [...trail.digests].sort((a, b) => a.digest.digestAt.localeCompare(b.digest.digestAt));
  let previous: { digest: SignedDigest; valid: boolean } | undefined;
  for (const [index, signed] of digests.entries()) {
    const { digest } = signed;
    const name = `digest ${index + 1} (${digest.digestAt})`;
    const digestFinding = (kind: FindingKind, problem: string) =>
      findings.push(
        found({ kind, digestAt: digest.digestAt, problem: `${name} ${problem}`, caughtBy: "signed digest" }),
      );
    if (!signatureHolds(signed, key)) {
      digestFinding(
        "bad-signature",
        `is not signed by the audit key (${signed.algorithm}, key ${signed.keyId}): it was replaced or forged`,
      );
      previous = { digest: signed, valid: false };
      continue;
    }
    if (digest.plan !== plan || digest.region !== region) {
      digestFinding(
        "digest-misplaced",
        `covers ${digest.plan} in ${digest.region}, not ${plan} in ${region}`,
      );
      previous = { digest: signed, valid: false };
      continue;
    }
    const expectedPrevious = previous ? digestHash(previous.digest.digest) : null;
    // A replaced predecessor is reported on its own; its successor's link then fails as a consequence.
    if (digest.previousDigestHash !== expectedPrevious && previous?.valid !== false) {
      digestFinding(
        "digest-chain",
        previous
          ? "does not name the digest before it as its predecessor: a digest between them is missing or was replaced"
          : "names a predecessor that is not there: an earlier digest is missing",
      );
    }
    const last = trusted.at(-1);
    if (last && digest.headSeq < last.digest.headSeq) {
      digestFinding(
        "digest-chain",
        `signs a shorter chain (head ${digest.headSeq}) than the digest before it (head ${last.digest.headSeq})`,
      );
    }
    trusted.push(signed);
    previous = { digest: signed, valid: true };
  }

  const bySeq = new Map<number, AuditRecord>();
  for (const record of records) if (!bySeq.has(record.seq)) bySeq.set(record.seq, record);
  const lastSeq = records.at(-1)?.seq ?? (trail.startSeq ?? 0) - 1;
  let signedHeadSeq = (trail.startSeq ?? 0) - 1;
  for (const { digest } of trusted) {
    // A digest whose head lies before an exported slice cannot be checked against it, nor needs to be.
    if (digest.headSeq < (trail.startSeq ?? 0)) continue;
    const name = `digest ${digests.findIndex((entry) => entry.digest === digest) + 1} (${digest.digestAt})`;
    const head = bySeq.get(digest.headSeq);
    if (!head) {
      if (digest.headSeq > lastSeq) {
        findings.push(
          found({
            kind: "truncated",
            seq: lastSeq + 1,
            digestAt: digest.digestAt,
            problem: `records ${range(lastSeq + 1, digest.headSeq)} are missing: ${name} signed a chain of ${digest.recordCount} records, the tail was cut off`,
            caughtBy: "signed digest",
          }),
        );
      } else {
        findings.push(
          found({
            kind: "missing",
            seq: digest.headSeq,
            digestAt: digest.digestAt,
            problem: `record ${digest.headSeq}, the head ${name} signed, is missing`,
            caughtBy: "signed digest",
          }),
        );
      }
      break;
    }
    if (head.hash !== digest.headHash) {
      const first = signedHeadSeq + 1;
      findings.push(
        found({
          kind: "head-mismatch",
          seq: first,
          digestAt: digest.digestAt,
          problem:
            `records ${range(first, digest.headSeq)} no longer match what ${name} signed (head record ${digest.headSeq}): ` +
            "a record among them was changed, inserted, deleted or reordered and the hashes after it recomputed",
          caughtBy: "signed digest",
        }),
      );
      // Every later digest fails as a consequence of this one: the first record affected is named here.
      break;
    }
    signedHeadSeq = Math.max(signedHeadSeq, digest.headSeq);
  }

  const uncovered = records.filter((record) => record.seq > signedHeadSeq);
  const firstUncovered = uncovered[0];
  const lastUncovered = uncovered.at(-1);
  const mismatched = findings.some(
    (finding) =>
      finding.kind === "head-mismatch" ||
      finding.kind === "truncated" ||
      (finding.kind === "missing" && finding.caughtBy === "signed digest"),
  );
  return {
    plan,
    region,
    records: records.length,
    digests: digests.length,
    signedHeadSeq,
    findings: findings.sort(bySeqThenDigest),
    ...(firstUncovered && lastUncovered && !mismatched
      ? { notCovered: { fromSeq: firstUncovered.seq, toSeq: lastUncovered.seq, count: uncovered.length } }
      : {}),
  };
}

/** The sentence for records no digest vouches for: an export must hold none; a live trail usually has a few. */
export function notCoveredProblem(notCovered: NonNullable<RegionVerification["notCovered"]>): string {
  return (
    `records ${range(notCovered.fromSeq, notCovered.toSeq)} come after the last signed digest's head: ` +
    "no digest vouches for them, so they cannot be told from forged records until the next digest covers them"
  );
}

function indexFindings(records: readonly AuditRecord[]): Array<Omit<TrailFinding, "plan" | "region">> {
  const findings: Array<Omit<TrailFinding, "plan" | "region">> = [];
  for (const record of records) {
    if (!record.indexed) continue;
    const day = record.at.slice(0, 10);
    if (record.indexed.day !== day) {
      findings.push({
        kind: "index-mismatch",
        seq: record.seq,
        problem:
          record.indexed.day === undefined
            ? `record ${record.seq} has no day attribute: it is hidden from date queries (its content says ${day})`
            : `record ${record.seq}'s day attribute says ${record.indexed.day}, its signed content says ${day}: it is hidden from date queries`,
        caughtBy: "indexed attribute",
      });
    }
    const seqKey = String(record.seq).padStart(SEQ_WIDTH, "0");
    if (record.indexed.seqKey !== undefined && record.indexed.seqKey !== seqKey) {
      findings.push({
        kind: "index-mismatch",
        seq: record.seq,
        problem: `record ${record.seq} is stored under sort key ${record.indexed.seqKey}, not ${seqKey}`,
        caughtBy: "indexed attribute",
      });
    }
  }
  return findings;
}

/** The hash chain alone: catches whoever edits a record without recomputing the hashes after it. */
function chainFindings(
  records: readonly AuditRecord[],
  startSeq: number,
): Array<Omit<TrailFinding, "plan" | "region">> {
  const findings: Array<Omit<TrailFinding, "plan" | "region">> = [];
  let expectedSeq = startSeq;
  // A slice's first record links to a predecessor the slice does not hold: its link is not checked.
  let expectedPrev: string | undefined = startSeq === 0 ? GENESIS_HASH : undefined;
  let previousSeq: number | undefined;
  for (const record of records) {
    const { seq, prevHash, hash, indexed: _indexed, ...entry } = record;
    if (seq === previousSeq) {
      findings.push({
        kind: "duplicate",
        seq,
        problem: `two records claim seq ${seq}: one was inserted`,
        caughtBy: "hash chain",
      });
      continue;
    }
    if (seq !== expectedSeq) {
      findings.push({
        kind: "missing",
        seq: expectedSeq,
        problem: `record${seq > expectedSeq + 1 ? "s" : ""} ${range(expectedSeq, seq - 1)} ${seq > expectedSeq + 1 ? "are" : "is"} missing`,
        caughtBy: "hash chain",
      });
    } else if (expectedPrev !== undefined && prevHash !== expectedPrev) {
      findings.push({
        kind: "relinked",
        seq,
        problem: `record ${seq}'s link to the record before it does not match: a record was inserted, removed or reordered there`,
        caughtBy: "hash chain",
      });
    }
    if (hashRecord(entry, seq, prevHash) !== hash) {
      findings.push({
        kind: "changed",
        seq,
        problem: `record ${seq}'s content does not match its hash: it was changed`,
        caughtBy: "hash chain",
      });
    }
    previousSeq = seq;
    expectedSeq = seq + 1;
    expectedPrev = hash;
  }
  return findings;
}

function signatureHolds(signed: SignedDigest, key: KeyObject): boolean {
  if (signed.algorithm !== "RSASSA_PSS_SHA_256") return false;
  try {
    return verify(
      "sha256",
      digestBytes(signed.digest),
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT_LENGTH },
      Buffer.from(signed.signature, "base64"),
    );
  } catch {
    // A signature of the wrong length or shape is no signature by this key.
    return false;
  }
}

function publicKeyOf(pem: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch (error) {
    throw new AuditKeyError("the audit key given is not a public key in PEM", { cause: error });
  }
}

function range(from: number, to: number): string {
  return from === to ? String(from) : `${from}-${to}`;
}

function bySeqThenDigest(a: TrailFinding, b: TrailFinding): number {
  return (
    (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER) ||
    (a.digestAt ?? "").localeCompare(b.digestAt ?? "")
  );
}
