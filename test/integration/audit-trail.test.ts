import { DeleteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { DynamoDbAuditTrail } from "../../adapters/aws/dynamodb-audit-trail.js";
import { verifyChain } from "../../core/audit/verify-chain.js";
import type { AuditEntry } from "../../core/ports/audit.js";
import { useLocalTables } from "../support/local-tables.js";

const tables = useLocalTables();

function entry(plan: string, action: string): AuditEntry {
  return {
    plan,
    executionId: "arn:aws:states:ap-southeast-1:111122223333:execution:kirikae-failover:run-1",
    kind: "decision",
    action,
    actor: "lambda:kirikae-promote-database",
    at: "2026-01-01T00:00:00.000Z",
  };
}

describe("DynamoDB audit trail", () => {
  it("keeps one linear, verifiable chain when steps append concurrently", async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, index) => tables.audit.append(entry("concurrent", `step-${index}`))),
    );

    const chain = await tables.audit.chain("concurrent");

    expect(chain.map((record) => record.seq)).toEqual(Array.from({ length: 12 }, (_, index) => index));
    expect(verifyChain(chain)).toEqual([]);
    // One process's appends keep the order they were asked in: a step's records read as it made them.
    expect(chain.map((record) => record.action)).toEqual(
      Array.from({ length: 12 }, (_, index) => `step-${index}`),
    );
  });

  it("keeps one chain when several processes (Lambda instances) append to it at once", async () => {
    const instances = Array.from(
      { length: 4 },
      () => new DynamoDbAuditTrail(tables.documents, tables.auditTable),
    );

    await Promise.all(
      instances.flatMap((trail, instance) =>
        Array.from({ length: 5 }, (_, index) => trail.append(entry("racing", `i${instance}-${index}`))),
      ),
    );

    const chain = await tables.audit.chain("racing");
    expect(chain).toHaveLength(20);
    expect(verifyChain(chain)).toEqual([]);
  });

  it("shows an edited record in the local table as a broken chain, naming it", async () => {
    for (const action of ["a", "b", "c"]) await tables.audit.append(entry("edited", action));

    await tables.documents.send(
      new UpdateCommand({
        TableName: tables.auditTable,
        Key: { plan: "edited", seq: "000000000001" },
        UpdateExpression: "SET #action = :forged",
        ExpressionAttributeNames: { "#action": "action" },
        ExpressionAttributeValues: { ":forged": "nothing-happened" },
      }),
    );

    expect(verifyChain(await tables.audit.chain("edited"))).toEqual([
      { seq: 1, problem: expect.stringContaining("was changed") },
    ]);
  });

  it("shows a deleted record in the local table as missing", async () => {
    for (const action of ["a", "b", "c"]) await tables.audit.append(entry("deleted", action));

    await tables.documents.send(
      new DeleteCommand({ TableName: tables.auditTable, Key: { plan: "deleted", seq: "000000000001" } }),
    );

    expect(verifyChain(await tables.audit.chain("deleted"))).toEqual([
      { seq: 1, problem: "record 1 is missing" },
    ]);
  });
});
