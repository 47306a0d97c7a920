import { describe, expect, it } from "vitest";
import { precheck } from "../../core/failover/precheck.js";
import { verifyRecovery } from "../../core/failover/verify-recovery.js";
import type { Plan } from "../../core/plan/schema.js";
import type { AuditEntry, AuditRecord } from "../../core/ports/audit.js";
import type { ComputePort } from "../../core/ports/compute.js";
import type { GlobalClusterState, GlobalDatabasePort } from "../../core/ports/global-database.js";
import type { StepContext } from "../../core/workflow/step-context.js";
import { TransientAwsError } from "../../core/workflow/workflow-errors.js";
import { testPlan } from "../support/plan-fixtures.js";

const TOKYO = "ap-northeast-1";
const SINGAPORE = "ap-southeast-1";
const NOW = new Date("2026-11-01T03:10:00Z");
const ROUTE53_DOWN = new TransientAwsError(
  "route53:GetHealthCheckStatus on 22222222-2222-4222-8222-222222222222 failed: TimeoutError: connect ETIMEDOUT: route53.us-east-1.amazonaws.com",
);

function gatedPlan(): Plan {
  return testPlan((input) => {
    input.dns.gates = { kind: "cloudwatch-alarm" };
  });
}

function context(plan: Plan, audit: AuditEntry[]): StepContext {
  return {
    plan,
    request: {
      plan: plan.name,
      kind: "failover",
      sourceRegion: TOKYO,
      targetRegion: SINGAPORE,
      trigger: { type: "manual", reason: "drill", detectedAt: "2026-11-01T03:00:00Z" },
    },
    execution: {
      id: "arn:aws:states:ap-southeast-1:111122223333:execution:f:1",
      startedAt: NOW.toISOString(),
    },
    clock: { now: () => NOW, sleep: async () => undefined },
    audit: {
      append: async (entry) => {
        audit.push(entry);
        return { ...entry, seq: audit.length, prevHash: "", hash: "" } as AuditRecord;
      },
    },
    actor: "arn:aws:sts::111122223333:assumed-role/tasks/kirikae",
  };
}

function database(plan: Plan, writer: string, options: { describeFails?: boolean } = {}): GlobalDatabasePort {
  const state: GlobalClusterState = {
    identifier: plan.database.globalClusterIdentifier,
    status: "available",
    members: Object.entries(plan.database.members).map(([region, clusterArn]) => ({
      clusterArn,
      region,
      isWriter: region === writer,
    })),
  };
  return {
    describe: async () => {
      if (options.describeFails) throw new TransientAwsError("rds:DescribeGlobalClusters timed out");
      return state;
    },
    clusterAvailable: async () => true,
    observeCluster: async () => ({ answered: true, status: "available" }),
    replicationLagMs: async () => 800,
    replicationLag: async () => ({ ms: 800, metric: "AuroraGlobalDBRPOLag" }),
    switchover: async () => ({ requestId: "r" }),
    failover: async () => ({ requestId: "r" }),
  };
}

const compute: ComputePort = {
  clusterStatus: async () => "ACTIVE",
  nodegroups: async () => ["web", "worker"],
  nodegroup: async () => ({ status: "ACTIVE", minSize: 1, maxSize: 10, desiredSize: 2 }),
  scale: async () => ({ requestId: "r" }),
};

const clusters = { status: async () => "available" };
const healthy = { healthCheckHealthy: async () => true };
const unhealthy = { healthCheckHealthy: async () => false };
const route53Down = {
  healthCheckHealthy: async (): Promise<boolean> => {
    throw ROUTE53_DOWN;
  },
};
const answering = (value: string) => ({
  answer: async () => [`${value}.`],
  addressesOf: async (hostname: string) => [hostname],
});

describe("pre-checks: the recovery region is required, us-east-1's Route 53 API is advisory", () => {
  it("pass when the target's health check cannot be read because Route 53's API is down, and say so", async () => {
    const plan = testPlan();
    const audit: AuditEntry[] = [];

    const result = await precheck(context(plan, audit), {
      database: database(plan, TOKYO),
      clusters,
      compute,
      healthChecks: route53Down,
    });

    expect(result.ok).toBe(true);
    const health = result.checks.find((check) => check.name === "dns.health.app.example.com");
    expect(health).toEqual({
      name: "dns.health.app.example.com",
      ok: false,
      required: false,
      region: "us-east-1",
      unanswered: true,
      detail: `could not be read: ${ROUTE53_DOWN.message}; advisory, not blocking`,
    });
    expect(audit.at(-1)).toMatchObject({
      action: "precheck.passed",
      details: { checks: expect.arrayContaining([health]) },
    });
  });

  it("still stop on a health check us-east-1 answers is unhealthy", async () => {
    const plan = testPlan();

    const result = await precheck(context(plan, []), {
      database: database(plan, TOKYO),
      clusters,
      compute,
      healthChecks: unhealthy,
    });

    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/^dns\.health\.app\.example\.com: health check .* is unhealthy$/);
  });

  it("label every required check with the target region it read", async () => {
    const plan = testPlan();

    const result = await precheck(context(plan, []), {
      database: database(plan, TOKYO),
      clusters,
      compute,
      healthChecks: healthy,
    });

    const required = result.checks.filter((check) => check.required);
    expect(required.map((check) => check.name)).toContain("database.lag");
    expect(new Set(required.map((check) => check.region))).toEqual(new Set([SINGAPORE]));
  });

  it("let a failed required read fail the step, for the state machine to retry", async () => {
    const plan = testPlan();

    await expect(
      precheck(context(plan, []), {
        database: database(plan, TOKYO, { describeFails: true }),
        clusters,
        compute,
        healthChecks: healthy,
      }),
    ).rejects.toBeInstanceOf(TransientAwsError);
  });
});

describe("pre-checks: a throttled required read", () => {
  it("fails the step for a retry instead of calling the target cluster unavailable", async () => {
    const plan = testPlan();
    const throttled = {
      status: async (): Promise<string> => {
        throw new TransientAwsError("rds:DescribeDBClusters failed: Throttling: Rate exceeded");
      },
    };

    await expect(
      precheck(context(plan, []), {
        database: database(plan, TOKYO),
        clusters: throttled,
        compute,
        healthChecks: healthy,
      }),
    ).rejects.toBeInstanceOf(TransientAwsError);
  });
});

describe("verification: the writer and the data plane decide; health-check status is advisory", () => {
  it("gates: done once the target is the writer and the name servers answer with it, us-east-1 down or not", async () => {
    const plan = gatedPlan();
    const audit: AuditEntry[] = [];

    const progress = await verifyRecovery(
      context(plan, audit),
      {
        database: database(plan, SINGAPORE),
        answers: answering("shop-singapore.elb.example.com"),
        healthChecks: route53Down,
      },
      { rpoEstimateSeconds: 0.8 },
    );

    expect(progress).toMatchObject({ status: "done", rtoSeconds: 600, rpoSeconds: 0.8 });
    expect(progress.checks?.map((check) => [check.name, check.ok, check.required])).toEqual([
      ["database.writer", true, true],
      ["dns.answer.app.example.com", true, true],
      ["dns.health.app.example.com", false, false],
    ]);
    expect(audit.at(-1)).toMatchObject({
      action: "recovery.verified",
      details: { checks: progress.checks },
    });
  });

  it("gates: keeps polling while the name servers still answer with the region being left", async () => {
    const plan = gatedPlan();

    const progress = await verifyRecovery(
      context(plan, []),
      {
        database: database(plan, SINGAPORE),
        answers: answering("shop-tokyo.elb.example.com"),
        healthChecks: healthy,
      },
      undefined,
    );

    expect(progress.status).toBe("pending");
    expect(progress.checks?.find((check) => !check.ok)?.detail).toBe(
      "the authoritative name servers answer app.example.com CNAME with shop-tokyo.elb.example.com., not yet shop-singapore.elb.example.com",
    );
  });

  it("record edits: waits on a health check us-east-1 says is unhealthy, not on one it cannot read", async () => {
    const plan = testPlan();
    const deps = { database: database(plan, SINGAPORE), answers: answering("unused") };

    const waiting = await verifyRecovery(context(plan, []), { ...deps, healthChecks: unhealthy }, undefined);
    const unread = await verifyRecovery(context(plan, []), { ...deps, healthChecks: route53Down }, undefined);

    expect(waiting.status).toBe("pending");
    expect(unread.status).toBe("done");
  });
});
