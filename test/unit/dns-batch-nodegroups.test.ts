import { describe, expect, it } from "vitest";
import { EksCompute } from "../../adapters/aws/eks-compute.js";
import { chainRecord } from "../../core/audit/hash-chain.js";
import { type CapacityDeps, scaleNodegroups } from "../../core/failover/scale-nodegroups.js";
import type { Plan } from "../../core/plan/schema.js";
import type { AuditEntry, AuditPort, AuditRecord } from "../../core/ports/audit.js";
import type { StepContext } from "../../core/workflow/step-context.js";
import { buildEstate } from "../../sandbox/build-estate.js";
import type { CallRecord } from "../../sandbox/call-history.js";
import { clientProvider } from "../../sandbox/sandbox-control-plane.js";
import { SandboxKubernetes } from "../../sandbox/sandbox-kubernetes.js";
import { testPlan } from "../support/plan-fixtures.js";
import { OPERATOR, SINGAPORE, TOKYO } from "../support/sandbox-fixtures.js";

/** A plan whose clusters each have `count` nodegroups, all to be scaled from 1 to 3 nodes. */
function planWithNodegroups(count: number): Plan {
  return testPlan((input) => {
    for (const cluster of input.compute.clusters) {
      cluster.nodegroups = Array.from({ length: count }, (_, index) => ({
        name: `ng-${String(index).padStart(3, "0")}`,
        activeSize: 3,
        standbySize: 1,
        maxSize: 6,
      }));
    }
  });
}

class MemoryAudit implements AuditPort {
  readonly records: AuditRecord[] = [];

  async append(entry: AuditEntry): Promise<AuditRecord> {
    const record = chainRecord(entry, this.records.at(-1));
    this.records.push(record);
    return record;
  }
}

/** The most calls in flight at one moment of modelled time. */
function mostInFlight(calls: readonly CallRecord[]): number {
  return Math.max(
    0,
    ...calls.map((call) => calls.filter((other) => other.at <= call.at && other.endedAt > call.at).length),
  );
}

/** The scale-up's first invocation in the sandbox: what it called, in how much modelled time. */
async function scaleUpOnce(plan: Plan) {
  const { estate, models } = buildEstate([plan]);
  const clients = clientProvider(estate, OPERATOR);
  const audit = new MemoryAudit();
  const now = estate.clock.now().toISOString();
  const context: StepContext = {
    plan,
    request: {
      plan: plan.name,
      kind: "failover",
      sourceRegion: TOKYO,
      targetRegion: SINGAPORE,
      trigger: { type: "manual", reason: "drill", detectedAt: now },
    },
    execution: {
      id: "arn:aws:states:ap-southeast-1:111122223333:execution:failover:together",
      startedAt: now,
    },
    clock: estate.clock,
    audit,
    actor: OPERATOR,
  };
  const deps: CapacityDeps = {
    compute: new EksCompute(clients),
    kubernetes: (region, cluster) => new SandboxKubernetes(estate, models.kubernetes, region, cluster),
  };
  const startedAt = estate.clock.now().getTime();
  const progress = await scaleNodegroups(context, deps, { region: SINGAPORE, size: "active" }, undefined);
  return {
    progress,
    seconds: (estate.clock.now().getTime() - startedAt) / 1_000,
    updates: estate.calls.filter((call) => call.operation === "UpdateNodegroupConfig"),
    reads: estate.calls.filter((call) => call.operation === "DescribeNodegroup"),
    audit: audit.records,
  };
}

describe("nodegroups scaled together", () => {
  it("sends the updates of 200 nodegroups together, not one after another", async () => {
    const result = await scaleUpOnce(planWithNodegroups(200));

    expect(result.updates).toHaveLength(200);
    expect(mostInFlight(result.reads)).toBeGreaterThan(1);
    expect(mostInFlight(result.updates)).toBeGreaterThan(1);
    // One after another, 200 reads and 200 updates take over a minute of modelled API time.
    expect(result.seconds).toBeLessThan(10);
    expect(result.progress.status).toBe("pending");
  });

  it("still audits each update on its own: an intent before its call, an outcome holding its request ID", async () => {
    const result = await scaleUpOnce(planWithNodegroups(50));

    const actions = result.audit.filter((record) => record.action === "eks:UpdateNodegroupConfig");
    for (const update of result.updates) {
      const resource = `${SINGAPORE}/shop-singapore/${String(update.input.nodegroupName)}`;
      const intent = actions.find((record) => record.kind === "intent" && record.resource === resource);
      const outcome = actions.find(
        (record) => record.kind === "outcome" && record.requestId === update.requestId,
      );
      expect(intent?.at.localeCompare(update.at.toISOString())).toBeLessThanOrEqual(0);
      expect(outcome?.resource).toBe(resource);
    }
    expect(actions).toHaveLength(100);
  });
});
