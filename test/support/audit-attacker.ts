import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { hashRecord } from "../../core/audit/hash-chain.js";
import type { AuditRecord } from "../../core/ports/audit.js";
import type { SandboxControlPlane } from "../../sandbox/sandbox-control-plane.js";

/**
 * What someone who can write to the audit table and has kirikae's source does: rewrite one item, then
 * recompute the hash of it and of every record after it, so the hash chain alone holds together again.
 */
export async function rewriteAsAttacker(
  deployed: Pick<SandboxControlPlane, "audit" | "dynamo">,
  plan: string,
  edit: (record: AuditRecord) => AuditRecord | undefined,
): Promise<number> {
  const documents = DynamoDBDocumentClient.from(deployed.dynamo.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  let edited: number | undefined;
  let newHash: string | undefined;
  for (const record of await deployed.audit.chain(plan)) {
    const replaced = edited === undefined ? edit(record) : undefined;
    if (replaced) edited = record.seq;
    if (edited === undefined) continue;
    const { seq, prevHash: _prevHash, hash: _hash, indexed: _indexed, ...entry } = replaced ?? record;
    // The first rewritten record keeps its link; each after it links to the recomputed one before.
    const prevHash = newHash ?? record.prevHash;
    newHash = hashRecord(entry, seq, prevHash);
    await documents.send(
      new PutCommand({
        TableName: deployed.dynamo.tableNames.audit,
        Item: {
          ...entry,
          seq: String(seq).padStart(12, "0"),
          prevHash,
          hash: newHash,
          day: entry.at.slice(0, 10),
        },
      }),
    );
  }
  if (edited === undefined) throw new Error("no record matched the edit");
  return edited;
}
