import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import { reportPhases } from "../../core/audit/incident-report-model.js";
import type { Plan } from "../../core/plan/schema.js";
import type { AuditRecord } from "../../core/ports/audit.js";
import { type BuiltEstate, buildEstate } from "../../sandbox/build-estate.js";
import { runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario } from "../../sandbox/drill/scenarios.js";
import {
  clientProvider,
  type SandboxControlPlane,
  startSandboxControlPlane,
} from "../../sandbox/sandbox-control-plane.js";
import type { AlarmStateChangeEvent } from "../../sandbox/services/cloudwatch-model.js";
import { testPlan } from "../support/plan-fixtures.js";

const plan = testPlan();
let controlPlane: SandboxControlPlane | undefined;
let built: BuiltEstate | undefined;

afterEach(async () => {
  // A workflow still running would outlive the local DynamoDB it writes to.
  await built?.models.sfn.settled();
  await controlPlane?.stop();
  controlPlane = undefined;
  built = undefined;
});

async function sandbox(withPlan: Plan = plan) {
  built = buildEstate([withPlan]);
  controlPlane = await startSandboxControlPlane(built, [withPlan]);
  const events: AlarmStateChangeEvent[] = [];
  built.models.cloudwatch.onAlarmStateChange((event) => events.push(event));
  return { built, controlPlane, events };
}

/** The trigger alarm goes into ALARM as CloudWatch would; returns the event EventBridge would deliver. */
function fire(estate: BuiltEstate, events: AlarmStateChangeEvent[], alarm = plan.triggers.alarms[0]) {
  if (!alarm) throw new Error("the plan has no alarm");
  estate.models.cloudwatch.setAlarmState(alarm.region, alarm.name, "ALARM", "test: the endpoint fails");
  const event = events.at(-1);
  if (!event) throw new Error("no alarm event was emitted");
  return event;
}

/** The same object, whose `method` does its work and then throws, as a Lambda that times out right after. */
function crashAfter<T extends object>(target: T, method: keyof T & string): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== "function") return value;
      if (property !== method) return value.bind(object);
      return async (...args: unknown[]) => {
        await value.apply(object, args);
        throw new Error(`Task timed out after 60.00 seconds (right after ${method})`);
      };
    },
  });
}

describe("detector Lambda", () => {
  it("rejects a malformed event with a clear reason, audits it, and starts nothing", async () => {
    const { built, controlPlane } = await sandbox();

    const result = await controlPlane.deliver({
      "detail-type": "CloudWatch Alarm State Change",
      detail: { alarmName: 42 },
    });

    expect(result).toMatchObject({
      decision: "rejected",
      reason: expect.stringContaining("not a CloudWatch Alarm State Change event"),
    });
    const records = await controlPlane.audit.chain("-");
    expect(records).toEqual([expect.objectContaining({ action: "event.rejected", outcome: "ignored" })]);
    expect(built.models.sfn.all()).toEqual([]);
    expect(built.estate.calls.filter((call) => call.mutating)).toEqual([]);
  });

  it("ignores, and audits, an alarm that no plan names", async () => {
    const { built, controlPlane } = await sandbox();

    const result = await controlPlane.deliver({
      version: "0",
      id: "1",
      "detail-type": "CloudWatch Alarm State Change",
      source: "aws.cloudwatch",
      account: "111122223333",
      time: "2026-01-01T00:00:00Z",
      region: "us-east-1",
      resources: [],
      detail: {
        alarmName: "someone-elses-alarm",
        state: { value: "ALARM", timestamp: "2026-01-01T00:00:00Z" },
      },
    });

    expect(result).toMatchObject({ decision: "ignored", reason: expect.stringContaining("not in any plan") });
    expect(await controlPlane.audit.chain("-")).toEqual([
      expect.objectContaining({ action: "alarm.ignored" }),
    ]);
    expect(built.models.sfn.all()).toEqual([]);
  });

  it("pauses an approval-mode failover after its pre-checks until a person approves, and records who did", async () => {
    const approvalPlan = testPlan((input) => {
      input.triggers.mode = "approval";
      // The lag grows while the region is dark and the engineer reviews: an RPO that holds it.
      input.objectives.rpoMinutes = 15;
    });
    const scenario = findScenario("region-outage");
    if (!scenario) throw new Error("scenario missing");

    let chain: AuditRecord[] = [];
    const result = await runDrill({
      plan: approvalPlan,
      scenario,
      failback: false,
      afterwards: async ({ controlPlane }) => {
        chain = await controlPlane.audit.chain("shop");
      },
    });

    expect(result.notifications).toContain("kirikae: shop failover waits for approval");
    const [failover] = result.workflows;
    expect(failover?.status).toBe("succeeded");
    const steps = failover?.steps.map((step) => step.name) ?? [];
    expect(steps.indexOf("Await approval")).toBeGreaterThan(steps.indexOf("Pre-checks"));
    expect(steps.indexOf("Promote database")).toBeGreaterThan(steps.indexOf("Await approval"));
    const approval = chain.find((record) => record.action === "failover.approved");
    expect(approval?.actor).toBe("arn:aws:iam::111122223333:user/oncall-engineer");
    // The resume call is witnessed by CloudTrail under the approver's identity.
    const resume = chain.find(
      (record) => record.action === "states:SendTaskSuccess" && record.kind === "outcome",
    );
    const evidence = chain.find(
      (record) => record.kind === "evidence" && record.requestId === resume?.requestId,
    );
    expect(evidence?.details).toMatchObject({
      userIdentity: "arn:aws:iam::111122223333:user/oncall-engineer",
    });
    expect(result.audit.verified).toBe(true);
    // The incident report shows the wait for a person as its own phase, between pre-checks and promotion.
    const phases = reportPhases(
      chain.filter((record) => record.executionId === approval?.executionId),
      result.startedAt,
    ).map((phase) => phase.name);
    expect(phases.slice(0, 4)).toEqual(["detection", "precheck", "approval", "promotion"]);
  });

  it("starts the failover at once, without reading the alarm's region or waiting, even with us-east-1 down", async () => {
    const { built, controlPlane, events } = await sandbox();
    const event = fire(built, events);
    built.estate.addFault({ kind: "region-down", region: "us-east-1" });
    const before = built.estate.clock.now().getTime();

    const result = await controlPlane.deliver(event);

    expect(result).toMatchObject({
      decision: "started",
      executionName: expect.stringMatching(/^shop-failover-\d{8}T\d{6}-[0-9a-f]{8}$/),
    });
    expect(built.estate.clock.now().getTime() - before).toBeLessThan(5_000);
    const detectorCalls = built.estate.calls.filter((call) => call.principal === controlPlane.roles.detector);
    expect(detectorCalls.map((call) => `${call.region} ${call.operation}`)).toEqual([
      `${controlPlane.region} StartExecution`,
    ]);
  });

  it("starts the failover state machine of the plan whose alarm fired, when its region serves two plans", async () => {
    const orders = testPlan((input) => {
      input.name = "orders";
      input.database.globalClusterIdentifier = "orders-global";
      input.database.members = {
        "ap-northeast-1": "arn:aws:rds:ap-northeast-1:111122223333:cluster:orders-tokyo",
        "ap-southeast-1": "arn:aws:rds:ap-southeast-1:111122223333:cluster:orders-singapore",
      };
      input.triggers.alarms = [{ name: "orders-tokyo-health", region: "us-east-1" }];
    });
    built = buildEstate([plan, orders]);
    controlPlane = await startSandboxControlPlane(built, [plan, orders]);
    const events: AlarmStateChangeEvent[] = [];
    built.models.cloudwatch.onAlarmStateChange((event) => events.push(event));
    const event = fire(built, events, orders.triggers.alarms[0]);

    const result = await controlPlane.deliver(event);

    expect(result).toMatchObject({ decision: "started", plan: "orders" });
    const ordersFailover = controlPlane.stateMachineArns("orders").failover;
    expect(ordersFailover).toBe(
      "arn:aws:states:ap-southeast-1:111122223333:stateMachine:kirikae-sandbox-orders-failover",
    );
    expect(controlPlane.stateMachineArns("shop").failover).not.toBe(ordersFailover);
    expect(built.models.sfn.all().map((execution) => execution.stateMachineArn)).toEqual([ordersFailover]);
  });

  it("starts exactly one execution for copies of one alarm state change, however they arrive", async () => {
    const { built, controlPlane, events } = await sandbox();
    const event = fire(built, events);
    // A forwarded copy is another EventBridge event (new id and time) of the same state change.
    const forwarded = { ...event, id: "another-delivery", time: "2026-01-01T00:00:07Z" };

    const concurrent = await Promise.all([
      controlPlane.deliver(event),
      controlPlane.deliver(event),
      controlPlane.deliver(forwarded),
    ]);
    const later = await controlPlane.deliver(event);

    expect(built.models.sfn.all()).toHaveLength(1);
    expect(concurrent.filter((result) => result.decision === "started")).toHaveLength(1);
    expect(later).toMatchObject({
      decision: "ignored",
      reason: expect.stringContaining("StartExecution confirms its execution runs"),
    });
    const [execution] = built.models.sfn.all();
    expect(execution?.name).toBe(concurrent.find((result) => result.decision === "started")?.executionName);
  });

  it.each([
    ["after taking the plan's lock", "state" as const, "takeLock"],
    ["after StartExecution went through", "workflows" as const, "start"],
  ])(
    "loses nothing when the detector crashes %s: the redelivered event ends in the same single workflow",
    async (_when, dependency, method) => {
      const { built, controlPlane, events } = await sandbox();
      const event = fire(built, events);

      const crashed = await controlPlane
        .deliverWith(
          (deps) => ({ ...deps, [dependency]: crashAfter(deps[dependency], method as never) }),
          event,
        )
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      const retried = await controlPlane.deliver(event);
      await built.models.sfn.settled();

      expect(crashed).toBeInstanceOf(Error);
      expect(built.models.sfn.all()).toHaveLength(1);
      const [execution] = built.models.sfn.all();
      expect(execution?.status).toBe("SUCCEEDED");
      // The retry finds the lock under its own name, and StartExecution gives it the one execution.
      expect(retried).toMatchObject({
        decision: "ignored",
        reason: expect.stringContaining("StartExecution confirms its execution runs"),
      });
      const records = await controlPlane.audit.chain("shop");
      const failure = records.find((record) => record.action === "alarm.detector-failed");
      expect(failure).toMatchObject({
        outcome: "failed",
        error: { message: expect.stringContaining("Task timed out") },
        details: { executionName: execution?.name },
      });
      const started = records.filter(
        (record) =>
          record.action === "states:StartExecution" && record.kind === "outcome" && record.outcome === "ok",
      );
      expect(started.map((record) => record.executionId)).toEqual([execution?.executionArn]);
      expect(records.indexOf(failure as AuditRecord)).toBeLessThan(
        records.indexOf(started[0] as AuditRecord),
      );
    },
  );

  it("ends the workflow with nothing changed when the alarm flaps back within the hold, and starts no cooldown", async () => {
    const { built, controlPlane, events } = await sandbox();
    const event = fire(built, events);
    await controlPlane.deliver(event);

    await built.estate.clock.sleep((plan.triggers.holdSeconds * 1000) / 2);
    const [alarm] = plan.triggers.alarms;
    built.models.cloudwatch.setAlarmState(alarm?.region ?? "", alarm?.name ?? "", "OK", "test: recovered");
    await built.models.sfn.settled();

    const [execution] = built.models.sfn.all();
    expect(execution).toMatchObject({ status: "FAILED", error: "SignalCleared" });
    expect(execution?.steps.map((step) => step.state)).not.toContain("Pre-checks");
    expect(
      built.estate.calls.filter((call) => call.mutating && call.error === undefined).map((c) => c.operation),
    ).toEqual(["StartExecution"]);
    expect(await controlPlane.state.get("shop")).toEqual({ plan: "shop" });
    const records = await controlPlane.audit.chain("shop");
    expect(records.find((record) => record.action === "failover.cleared")).toMatchObject({
      kind: "execution",
      details: { reason: expect.stringContaining("left ALARM within the 60 s hold time") },
    });
    expect(controlPlane.notifier.sent.map((sent) => sent.subject)).toEqual([
      "kirikae: shop alarm cleared within the hold; no failover",
    ]);

    // The flapped run changed nothing, so the alarm's next episode is decided on at once.
    const again = await controlPlane.deliver(fire(built, events));
    expect(again).toMatchObject({ decision: "started" });
    expect(built.models.sfn.all()).toHaveLength(2);
  });

  it("does not start a closed execution again when its event is redelivered after the run ended", async () => {
    const { built, controlPlane, events } = await sandbox();
    const event = fire(built, events);
    await controlPlane.deliver(event);
    const [alarm] = plan.triggers.alarms;
    built.models.cloudwatch.setAlarmState(alarm?.region ?? "", alarm?.name ?? "", "OK", "test: recovered");
    await built.models.sfn.settled();

    const redelivered = await controlPlane.deliver(event);

    expect(redelivered).toMatchObject({
      decision: "ignored",
      reason: expect.stringContaining("already ran for this alarm state change"),
    });
    expect(built.models.sfn.all()).toHaveLength(1);
    expect((await controlPlane.state.get("shop")).lock).toBeUndefined();
  });

  it("counts an alarm whose region does not answer as still failing, and says so in the decision", async () => {
    const { built, controlPlane, events } = await sandbox();
    const event = fire(built, events);
    // The event left us-east-1 before it went dark; from now on the alarm cannot be read.
    built.estate.addFault({ kind: "region-down", region: "us-east-1" });

    await controlPlane.deliver(event);
    await built.models.sfn.settled();

    const [execution] = built.models.sfn.all();
    expect(execution?.steps.map((step) => step.state)).toContain("Pre-checks");
    const records = await controlPlane.audit.chain("shop");
    const confirmed = records.find((record) => record.action === "signal.confirmed");
    expect(confirmed).toMatchObject({ kind: "decision", outcome: "ok" });
    expect(confirmed?.details?.readings).toEqual([
      "alarm shop-tokyo-health in us-east-1 could not be read: its region does not answer; treated as still in ALARM",
    ]);
    // The hold still ran its full length, measured from the alarm's state change.
    expect(Number(confirmed?.details?.heldSeconds)).toBeGreaterThanOrEqual(plan.triggers.holdSeconds);
  });

  it("refuses an input that claims an alarm trigger the plan does not have, changing nothing", async () => {
    const { built, controlPlane } = await sandbox();
    const forged = {
      plan: "shop",
      kind: "failover",
      sourceRegion: "ap-northeast-1",
      targetRegion: "ap-southeast-1",
      trigger: {
        type: "alarm",
        alarmName: "someone-elses-alarm",
        alarmRegion: "us-east-1",
        detectedAt: "2026-01-01T00:00:00.000Z",
      },
    };

    await clientProvider(built.estate, "arn:aws:iam::111122223333:user/mallory")
      .forRegion(controlPlane.region)
      .get(SFNClient)
      .send(
        new StartExecutionCommand({
          stateMachineArn: controlPlane.stateMachineArns(plan.name).failover,
          name: "forged",
          input: JSON.stringify(forged),
        }),
      );
    await built.models.sfn.settled();

    expect(built.models.sfn.all()).toEqual([expect.objectContaining({ error: "RequestRejected" })]);
    const records = await controlPlane.audit.chain("shop");
    expect(records.find((record) => record.action === "failover.rejected")?.error?.message).toBe(
      'alarm someone-elses-alarm in us-east-1 is not one of plan "shop"\'s trigger alarms',
    );
    expect(built.estate.calls.filter((call) => call.mutating).map((call) => call.operation)).toEqual([
      "StartExecution",
    ]);
  });
});
