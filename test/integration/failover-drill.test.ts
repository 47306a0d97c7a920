import { describe, expect, it } from "vitest";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import { runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario, type Scenario } from "../../sandbox/drill/scenarios.js";
import { gatedTestPlan, testPlan } from "../support/plan-fixtures.js";

const plan = gatedTestPlan();

function scenario(name: string): Scenario {
  const found = findScenario(name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
}

const allInvariantsHeld = {
  trafficOnlyToWriter: true,
  oneWorkflowAtATime: true,
  everyMutationAudited: true,
  failedRegionOffCriticalPath: true,
  oneWriter: true,
};

describe("automatic failover in the sandbox, through the real detector, handlers and state machine", () => {
  it("moves traffic, writer and capacity to the recovery region after a region outage", async () => {
    const result = await runDrill({ plan, scenario: scenario("region-outage") });

    expect(result.workflows).toHaveLength(1);
    expect(result.workflows[0]).toMatchObject({ kind: "failover", status: "succeeded", mode: "failover" });
    expect(result.final).toEqual({
      writerRegion: "ap-southeast-1",
      trafficRegion: "ap-southeast-1",
      nodegroups: {
        "ap-northeast-1/shop-tokyo/web": 6,
        "ap-northeast-1/shop-tokyo/worker": 3,
        "ap-southeast-1/shop-singapore/web": 6,
        "ap-southeast-1/shop-singapore/worker": 3,
      },
    });
    expect(result.workflows[0]?.rtoSeconds).toBeGreaterThan(0);
    expect(result.workflows[0]?.rtoSeconds).toBeLessThan(15 * 60);
    // The lag grew while Tokyo was dark (0.8 s before it): what the failover may have lost, measured.
    expect(result.workflows[0]?.rpoSeconds).toBeGreaterThan(90);
    expect(result.invariants).toEqual(allInvariantsHeld);
    expect(result.traffic).toMatchObject({
      nonWriterSeconds: 0,
      records: { "app.example.com": "ap-southeast-1" },
    });
    expect(result.audit.verified).toBe(true);
    expect(result.ok).toBe(true);
  });

  it("fails over out of us-east-1: alarms from the dead region never arrive, the canary's does, Route 53's API is never needed", async () => {
    const virginia = await loadPlanFile("examples/virginia-oregon.plan.json");

    const result = await runDrill({ plan: virginia, scenario: scenario("region-outage"), failback: true });

    expect(result.alarmEvents).toEqual({
      delivered: ["orders-virginia-canary (us-west-2) ALARM"],
      lost: ["orders-virginia-health-check (us-east-1) ALARM", "orders-virginia-5xx-rate (us-east-1) ALARM"],
    });
    expect(result.workflows.map((workflow) => [workflow.kind, workflow.status])).toEqual([
      ["failover", "succeeded"],
      ["failback", "succeeded"],
    ]);
    expect(result.workflows[0]?.rtoSeconds).toBeLessThan(virginia.objectives.rtoMinutes * 60);
    expect(result.traffic.nonWriterSeconds).toBe(0);
    expect(result.mutations.ChangeResourceRecordSets).toBeUndefined();
    expect(result.invariants).toEqual(allInvariantsHeld);
    expect(result.ok).toBe(true);
  });

  it.each([
    "examples/tokyo-singapore.plan.json",
    "examples/virginia-oregon.plan.json",
    "examples/oregon-ireland.plan.ts",
  ])(
    "%s: fails over from a region outage and back, never sending a user to a read-only database",
    async (file) => {
      const example = await loadPlanFile(file);

      const result = await runDrill({ plan: example, scenario: scenario("region-outage"), failback: true });

      expect(result.workflows.map((workflow) => [workflow.kind, workflow.status])).toEqual([
        ["failover", "succeeded"],
        ["failback", "succeeded"],
      ]);
      expect(result.traffic.nonWriterSeconds).toBe(0);
      expect(result.ok).toBe(true);
    },
  );

  it("completes a failover while Route 53's API is down, moving users by gates alone", async () => {
    const result = await runDrill({ plan, scenario: scenario("control-plane-outage") });

    expect(result.workflows[0]).toMatchObject({ status: "succeeded", mode: "switchover" });
    expect(result.traffic).toMatchObject({
      nonWriterSeconds: 0,
      records: { "app.example.com": "ap-southeast-1" },
    });
    expect(result.ok).toBe(true);
  });

  it("with record edits instead of gates, escalates when Route 53's API is down, and says how long health checks misdirected users", async () => {
    const recordEdits = testPlan();

    const outage = await runDrill({ plan: recordEdits, scenario: scenario("control-plane-outage") });
    const regionOutage = await runDrill({ plan: recordEdits, scenario: scenario("region-outage") });

    expect(outage.expected).toBe("escalated");
    expect(outage.workflows[0]?.status).toBe("escalated");
    expect(outage.final.writerRegion).toBe("ap-southeast-1");
    // Route 53's health checks sent users to Singapore before its cluster was the writer.
    expect(regionOutage.traffic.nonWriterSeconds).toBeGreaterThan(60);
    expect(regionOutage.invariants.trafficOnlyToWriter).toBe(false);
    expect(regionOutage.ok).toBe(false);
  });

  it("uses a switchover, with no data loss, when the old primary still answers", async () => {
    const result = await runDrill({ plan, scenario: scenario("degraded-primary") });

    expect(result.workflows[0]).toMatchObject({ status: "succeeded", mode: "switchover", rpoSeconds: 0 });
    expect(result.final.writerRegion).toBe("ap-southeast-1");
    expect(result.ok).toBe(true);
  });

  it("promotes nothing when the lag is already beyond the RPO as the region goes dark, saying why", async () => {
    const result = await runDrill({ plan, scenario: scenario("lag-beyond-rpo") });

    expect(result.workflows[0]).toMatchObject({ status: "escalated" });
    expect(result.workflows[0]?.reason).toMatch(/DataLossNotAllowed: .*above the RPO/);
    expect(result.final.writerRegion).toBe("ap-northeast-1");
    expect(result.mutations.FailoverGlobalCluster).toBeUndefined();
    expect(result.traffic.records).toEqual({ "app.example.com": "ap-northeast-1" });
    expect(result.ok).toBe(true);
  });

  it.each(["dr-not-ready"])(
    "changes nothing when the standby is not ready (%s), saying why",
    async (name) => {
      const result = await runDrill({ plan, scenario: scenario(name) });

      expect(result.workflows[0]).toMatchObject({ status: "aborted" });
      expect(result.workflows[0]?.reason).toMatch(/compute\.nodegroup\.web/);
      expect(result.final.writerRegion).toBe("ap-northeast-1");
      expect(result.final.nodegroups["ap-southeast-1/shop-singapore/web"]).toBe(2);
      expect(result.mutations).toEqual({ StartExecution: 1 });
      expect(result.ok).toBe(true);
    },
  );

  it("starts exactly one workflow for a storm of 100 duplicate alarm events", async () => {
    const result = await runDrill({ plan, scenario: scenario("duplicate-storm") });

    expect(result.workflows).toHaveLength(1);
    expect(result.workflows[0]?.status).toBe("succeeded");
    expect(result.detector).toMatchObject({ started: 1 });
    expect(result.ok).toBe(true);
    // A hundred detector invocations append their decisions to one hash chain in real DynamoDB I/O.
  }, 90_000);

  it("ends the workflow with nothing changed for an alarm that flaps back within the hold time", async () => {
    const result = await runDrill({ plan, scenario: scenario("flapping-alarm") });

    expect(result.workflows).toEqual([
      expect.objectContaining({
        kind: "failover",
        status: "cleared",
        reason: expect.stringMatching(/^flapping: /),
      }),
    ]);
    expect(result.workflows[0]?.steps.map((step) => step.name)).toEqual(["Accept request", "Confirm signal"]);
    expect(result.mutations).toEqual({ StartExecution: 1 });
    expect(result.final.writerRegion).toBe("ap-northeast-1");
    expect(result.ok).toBe(true);
  });

  it("still fails over when 30% of AWS calls are throttled", async () => {
    const result = await runDrill({ plan, scenario: scenario("throttled") });

    expect(result.workflows[0]?.status).toBe("succeeded");
    expect(result.final.trafficRegion).toBe("ap-southeast-1");
    expect(result.invariants).toEqual(allInvariantsHeld);
  });

  it("escalates without touching DNS when the promotion is stuck past the rollback trigger", async () => {
    const result = await runDrill({ plan, scenario: scenario("stuck-promotion") });

    expect(result.workflows[0]?.status).toBe("escalated");
    expect(result.workflows[0]?.reason).toMatch(/RollbackTriggerExceeded/);
    expect(result.traffic.records).toEqual({ "app.example.com": "ap-northeast-1" });
    expect(result.mutations.FailoverGlobalCluster).toBe(1);
    expect(result.notifications.some((subject) => subject.includes("escalated"))).toBe(true);
    expect(result.ok).toBe(true);
  });

  it("refuses to lose data in an outage when the plan forbids it: escalates, promotes nothing, moves no DNS", async () => {
    const strict = gatedTestPlan((input) => {
      input.database.dataLoss = "never";
    });

    const result = await runDrill({ plan: strict, scenario: scenario("region-outage") });

    expect(result.expected).toBe("escalated");
    expect(result.workflows[0]?.reason).toMatch(/DataLossNotAllowed/);
    expect(result.mutations.FailoverGlobalCluster).toBeUndefined();
    expect(result.traffic.records).toEqual({ "app.example.com": "ap-northeast-1" });
    expect(result.ok).toBe(true);
  });
});

describe("the old primary's region returns after a data-loss failover", () => {
  it("keeps users and writes away from it while Aurora fences it late and rebuilds it as a secondary", async () => {
    const result = await runDrill({ plan, scenario: scenario("old-primary-returns"), failback: false });

    expect(result.workflows.map((workflow) => [workflow.kind, workflow.status, workflow.mode])).toEqual([
      ["failover", "succeeded", "failover"],
    ]);
    expect(result.final).toMatchObject({ writerRegion: "ap-southeast-1", trafficRegion: "ap-southeast-1" });
    expect(result.traffic.records).toEqual({ "app.example.com": "ap-southeast-1" });
    expect(result.invariants).toEqual(allInvariantsHeld);
    expect(result.ok).toBe(true);
  });

  it("scales the returned region's nodegroups to standby size with no failback, and says so once", async () => {
    const result = await runDrill({ plan, scenario: scenario("old-primary-returns"), failback: false });

    expect(result.final.nodegroups).toEqual({
      "ap-northeast-1/shop-tokyo/web": 2,
      "ap-northeast-1/shop-tokyo/worker": 1,
      "ap-southeast-1/shop-singapore/web": 6,
      "ap-southeast-1/shop-singapore/worker": 3,
    });
    expect(
      result.notifications.filter(
        (subject) => subject === "kirikae: shop: ap-northeast-1 answers again and was fenced",
      ),
    ).toHaveLength(1);
    expect(result.traffic.records).toEqual({ "app.example.com": "ap-southeast-1" });
    expect(result.invariants).toEqual(allInvariantsHeld);
    expect(result.audit.verified).toBe(true);
  });
});

describe("promotion decided on evidence, and the plan's data-loss policy", () => {
  it("waits out a slow RDS API on a primary that still replicates, then switches over: no data-loss failover", async () => {
    const result = await runDrill({ plan, scenario: scenario("slow-primary-api") });

    expect(result.workflows[0]).toMatchObject({ status: "succeeded", mode: "switchover", rpoSeconds: 0 });
    expect(result.mutations.FailoverGlobalCluster).toBeUndefined();
    expect(result.mutations.SwitchoverGlobalCluster).toBe(1);
    expect(result.final.writerRegion).toBe("ap-southeast-1");
    expect(result.invariants).toEqual(allInvariantsHeld);
    expect(result.ok).toBe(true);
  });

  it("records the grown lag as the RPO of a failover within the RPO, never 0", async () => {
    const result = await runDrill({ plan, scenario: scenario("region-outage") });

    const rpo = result.workflows[0]?.rpoSeconds ?? 0;
    expect(result.workflows[0]?.mode).toBe("failover");
    expect(rpo).toBeGreaterThan(90);
    expect(rpo).toBeLessThanOrEqual(plan.objectives.rpoMinutes * 60);
  });

  it("escalates when the lag grows past the RPO during the outage under within-rpo, and says why", async () => {
    const result = await runDrill({ plan, scenario: scenario("lag-growing") });

    expect(result.workflows[0]?.status).toBe("escalated");
    expect(result.workflows[0]?.reason).toMatch(
      /DataLossNotAllowed: .*lag \d+\.\d s is above the RPO of 300 s/,
    );
    expect(result.mutations.FailoverGlobalCluster).toBeUndefined();
    expect(result.traffic.records).toEqual({ "app.example.com": "ap-northeast-1" });
    expect(result.invariants).toEqual(allInvariantsHeld);
    expect(result.ok).toBe(true);
  });

  it("under approval-above-rpo pauses and asks, stating the lag, and fails over with data loss once the on-call engineer approves", async () => {
    const asking = gatedTestPlan((input) => {
      input.database.dataLoss = "approval-above-rpo";
    });
    let records: Array<{ action: string; actor: string; details?: Record<string, unknown> }> = [];

    const result = await runDrill({
      plan: asking,
      scenario: scenario("lag-growing"),
      afterwards: async ({ controlPlane }) => {
        records = await controlPlane.audit.chain(asking.name);
      },
    });
    const asked = records.find((record) => record.action === "database.data-loss-approval-requested");
    const approved = records.find((record) => record.action === "database.data-loss-approved");
    const failover = records.find((record) => record.action === "rds:FailoverGlobalCluster");
    const steps = result.workflows[0]?.steps.map((step) => step.name) ?? [];

    expect(result.notifications).toContain("kirikae: shop failover asks to accept data loss");
    expect(asked?.details).toMatchObject({ rpoSeconds: 300, lagMetric: "AuroraGlobalDBRPOLag" });
    expect(asked?.details?.lagSeconds).toBeGreaterThan(300);
    expect(String(asked?.details?.summary)).toMatch(/loses about \d+\.\d s of writes .*RPO is 300 s/);
    expect(approved).toMatchObject({
      actor: "arn:aws:iam::111122223333:user/oncall-engineer",
      details: { reason: "drill: accepting the recorded lag", question: "data-loss" },
    });
    expect(failover?.details).toMatchObject({
      allowDataLoss: true,
      approvedBy: "arn:aws:iam::111122223333:user/oncall-engineer",
    });
    expect(steps).toContain("Await data-loss approval");
    expect(result.workflows[0]).toMatchObject({ status: "succeeded", mode: "failover" });
    expect(result.workflows[0]?.rpoSeconds).toBeGreaterThan(300);
    expect(result.mutations.FailoverGlobalCluster).toBe(1);
    expect(result.final).toMatchObject({ writerRegion: "ap-southeast-1", trafficRegion: "ap-southeast-1" });
    expect(result.invariants).toEqual(allInvariantsHeld);
    expect(result.ok).toBe(true);
  });

  it("asks twice in approval mode, to start and then to lose data, and goes on after each answer", async () => {
    const asking = gatedTestPlan((input) => {
      input.triggers.mode = "approval";
      input.database.dataLoss = "approval-above-rpo";
    });

    const result = await runDrill({ plan: asking, scenario: scenario("lag-growing") });

    expect(result.notifications.slice(0, 2)).toEqual([
      "kirikae: shop failover waits for approval",
      "kirikae: shop failover asks to accept data loss",
    ]);
    expect(result.mutations.SendTaskSuccess).toBe(2);
    expect(result.workflows[0]).toMatchObject({ status: "succeeded", mode: "failover" });
    expect(result.mutations.FailoverGlobalCluster).toBe(1);
    expect(result.invariants).toEqual(allInvariantsHeld);
    expect(result.ok).toBe(true);
  });

  it("under approval-above-rpo escalates with nothing promoted when the on-call engineer rejects the data loss", async () => {
    const asking = gatedTestPlan((input) => {
      input.database.dataLoss = "approval-above-rpo";
    });

    const result = await runDrill({
      plan: asking,
      scenario: scenario("lag-growing"),
      dataLossAnswer: "reject",
    });

    expect(result.workflows[0]?.status).toBe("escalated");
    expect(result.workflows[0]?.reason).toMatch(
      /DataLossRejected: rejected by arn:aws:iam::111122223333:user\/oncall-engineer: drill: the loss is too high/,
    );
    expect(result.mutations.FailoverGlobalCluster).toBeUndefined();
    expect(result.mutations.SwitchoverGlobalCluster).toBeUndefined();
    expect(result.final.writerRegion).toBe("ap-northeast-1");
    expect(result.traffic.records).toEqual({ "app.example.com": "ap-northeast-1" });
    expect(result.invariants).toEqual(allInvariantsHeld);
    expect(result.ok).toBe(true);
  });

  it("under approval-above-rpo escalates at the rollback trigger when no one answers, nothing promoted", async () => {
    const asking = gatedTestPlan((input) => {
      input.database.dataLoss = "approval-above-rpo";
    });

    const result = await runDrill({
      plan: asking,
      scenario: scenario("lag-growing"),
      dataLossAnswer: "ignore",
    });
    const started = Date.parse(result.workflows[0]?.steps[0]?.startedAt ?? "");
    const ended = Date.parse(result.workflows[0]?.steps.at(-1)?.endedAt ?? "");

    expect(result.workflows[0]?.status).toBe("escalated");
    expect(result.workflows[0]?.reason).toMatch(/DataLossNotApproved: No one approved/);
    expect(ended - started).toBeLessThanOrEqual((asking.timeouts.rollbackAfterMinutes + 1) * 60_000);
    expect(result.mutations.FailoverGlobalCluster).toBeUndefined();
    expect(result.traffic.records).toEqual({ "app.example.com": "ap-northeast-1" });
    expect(result.ok).toBe(true);
  });
});

describe("capacity that is really there (issue 11)", () => {
  it("keeps the desired size an autoscaler raised above the active size, and holds it with minSize", async () => {
    let sizes: { minSize: number; desiredSize: number } | undefined;
    const result = await runDrill({
      plan,
      scenario: scenario("autoscaler"),
      afterwards: async ({ built }) => {
        sizes = built.models.eks.nodegroup("ap-southeast-1", "shop-singapore", "web");
      },
    });

    expect(result.ok).toBe(true);
    expect(result.invariants).toEqual(allInvariantsHeld);
    expect(result.workflows[0]).toMatchObject({ kind: "failover", status: "succeeded" });
    // The autoscaler wanted 8 (active 6): nothing took it below 8, and minSize now keeps the active size.
    expect(result.final.nodegroups["ap-southeast-1/shop-singapore/web"]).toBe(8);
    expect(sizes).toMatchObject({ desiredSize: 8, minSize: 6 });
  });

  it("moves traffic once the plan's share of the nodes is Ready, and verifies only when all of them are", async () => {
    const halfPlan = gatedTestPlan((input) => {
      input.compute.trafficAtCapacity = 0.5;
    });
    const readiness: { web: number[]; worker: number[] } = { web: [], worker: [] };
    const result = await runDrill({
      plan: halfPlan,
      scenario: scenario("slow-nodes"),
      afterwards: async ({ built }) => {
        readiness.web = built.models.kubernetes.nodeReadyTimes("ap-southeast-1", "shop-singapore", "web");
        readiness.worker = built.models.kubernetes.nodeReadyTimes(
          "ap-southeast-1",
          "shop-singapore",
          "worker",
        );
      },
    });
    const steps = result.workflows[0]?.steps ?? [];
    const switched = Date.parse(steps.find((step) => step.name === "Switch traffic")?.startedAt ?? "");
    const verified = Date.parse(steps.find((step) => step.name === "Verify recovery")?.endedAt ?? "");
    const readyAt = (times: number[], count: number) => times[count - 1] ?? Number.POSITIVE_INFINITY;

    expect(result.ok).toBe(true);
    expect(result.invariants).toEqual(allInvariantsHeld);
    // web: 3 of 6 nodes, worker: 2 of 3 (rounded up) before traffic moves; all 6 and 3 before verification.
    expect(switched).toBeGreaterThanOrEqual(
      Math.max(readyAt(readiness.web, 3), readyAt(readiness.worker, 2)),
    );
    expect(switched).toBeLessThan(readyAt(readiness.web, 6));
    expect(verified).toBeGreaterThanOrEqual(
      Math.max(readyAt(readiness.web, 6), readyAt(readiness.worker, 3)),
    );
  });

  it("with the default share, traffic waits for every node, minutes after the nodegroups are ACTIVE", async () => {
    let lastReady = 0;
    const result = await runDrill({
      plan,
      scenario: scenario("slow-nodes"),
      afterwards: async ({ built }) => {
        lastReady = Math.max(
          ...built.models.kubernetes.nodeReadyTimes("ap-southeast-1", "shop-singapore", "web"),
        );
      },
    });
    const steps = result.workflows[0]?.steps ?? [];
    const switched = Date.parse(steps.find((step) => step.name === "Switch traffic")?.startedAt ?? "");

    expect(result.ok).toBe(true);
    expect(switched).toBeGreaterThanOrEqual(lastReady);
  });
});
