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
    expect(result.workflows[0]?.rpoSeconds).toBeCloseTo(0.8, 1);
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

  it.each(["dr-not-ready", "lag-beyond-rpo"])(
    "changes nothing when the standby is not ready (%s), saying why",
    async (name) => {
      const result = await runDrill({ plan, scenario: scenario(name) });

      expect(result.workflows[0]).toMatchObject({ status: "aborted" });
      expect(result.workflows[0]?.reason).toMatch(
        name === "dr-not-ready" ? /compute\.nodegroup\.web/ : /database\.lag/,
      );
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
      input.database.allowDataLoss = false;
    });

    const result = await runDrill({ plan: strict, scenario: scenario("region-outage") });

    expect(result.expected).toBe("escalated");
    expect(result.workflows[0]?.reason).toMatch(/DataLossNotAllowed/);
    expect(result.mutations.FailoverGlobalCluster).toBeUndefined();
    expect(result.traffic.records).toEqual({ "app.example.com": "ap-northeast-1" });
    expect(result.ok).toBe(true);
  });
});
