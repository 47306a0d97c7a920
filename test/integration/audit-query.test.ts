import { beforeAll, describe, expect, it } from "vitest";
import type { AuditEntry } from "../../core/ports/audit.js";
import { useLocalTables } from "../support/local-tables.js";

const tables = useLocalTables();

function entry(overrides: Partial<AuditEntry>): AuditEntry {
  return {
    plan: "shop",
    executionId: "exec-a",
    kind: "outcome",
    action: "eks:UpdateNodegroupConfig",
    actor: "lambda:kirikae-scale-nodegroups",
    at: "2026-03-01T10:00:00.000Z",
    outcome: "ok",
    ...overrides,
  };
}

describe("audit queries, answered from the trail's indexes", () => {
  beforeAll(async () => {
    for (const record of [
      entry({}),
      entry({
        at: "2026-03-01T10:05:00.000Z",
        action: "rds:FailoverGlobalCluster",
        actor: "lambda:kirikae-promote-database",
      }),
      entry({
        at: "2026-03-01T10:09:00.000Z",
        action: "route53:ChangeResourceRecordSets",
        outcome: "failed",
      }),
      entry({ executionId: "exec-b", at: "2026-03-02T08:00:00.000Z", action: "rds:SwitchoverGlobalCluster" }),
      entry({ plan: "payments", executionId: "exec-c", at: "2026-03-02T09:00:00.000Z" }),
    ]) {
      await tables.audit.append(record);
    }
  });

  it("answers one execution, oldest first", async () => {
    const records = await tables.audit.query({ executionId: "exec-a" });

    expect(records.map((record) => record.action)).toEqual([
      "eks:UpdateNodegroupConfig",
      "rds:FailoverGlobalCluster",
      "route53:ChangeResourceRecordSets",
    ]);
  });

  it("answers a time range across plans, day by day", async () => {
    const records = await tables.audit.query({
      from: "2026-03-02T00:00:00.000Z",
      to: "2026-03-02T23:59:59.999Z",
    });

    expect(records.map((record) => [record.plan, record.executionId])).toEqual([
      ["shop", "exec-b"],
      ["payments", "exec-c"],
    ]);
  });

  it("combines an actor with an outcome, and an action with a plan", async () => {
    const failedScaling = await tables.audit.query({
      actor: "lambda:kirikae-scale-nodegroups",
      outcome: "failed",
    });
    const switchovers = await tables.audit.query({ action: "rds:SwitchoverGlobalCluster", plan: "shop" });

    expect(failedScaling.map((record) => record.action)).toEqual(["route53:ChangeResourceRecordSets"]);
    expect(switchovers.map((record) => record.executionId)).toEqual(["exec-b"]);
  });

  it("refuses a question no index can answer, rather than scanning the table", async () => {
    await expect(tables.audit.query({ outcome: "failed" })).rejects.toThrow(/needs a plan, an execution/);
  });
});
