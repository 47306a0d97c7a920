import { describe, expect, it } from "vitest";
import { type ConfirmSignalDeps, confirmSignal } from "../../core/failover/confirm-signal.js";
import { signalExecutionName } from "../../core/failover/signal-execution-name.js";
import type { AuditEntry } from "../../core/ports/audit.js";
import type { PlanRuntimeState, WorkflowLock } from "../../core/ports/plan-state.js";
import type { AlarmState } from "../../core/ports/workflows.js";
import type { StepContext } from "../../core/workflow/step-context.js";
import { TransientAwsError } from "../../core/workflow/workflow-errors.js";
import { testPlan } from "../support/plan-fixtures.js";

const DETECTED_AT = "2026-01-01T00:00:00.000Z";
const plan = testPlan((input) => {
  input.triggers.alarms = [
    { name: "shop-tokyo-health", region: "us-east-1" },
    { name: "shop-tokyo-canary", region: "ap-southeast-1" },
  ];
  input.triggers.holdSeconds = 60;
});
const EXECUTION = "arn:aws:states:ap-southeast-1:111122223333:execution:kirikae-test-shop-failover:shop-run";

type Reading = AlarmState | "down";

/** A step context at `secondsAfter` the alarm's state change, alarms read as `alarms` says. */
function setUp(secondsAfter: number, alarms: Record<string, Reading>, lockHolder = "shop-run") {
  const audit: AuditEntry[] = [];
  const notified: string[] = [];
  const released: Array<{ holder: string; result: unknown }> = [];
  let lock: WorkflowLock | undefined = {
    holder: lockHolder,
    kind: "failover",
    acquiredAt: DETECTED_AT,
    leaseUntil: "2026-01-01T01:00:00.000Z",
  };
  const now = new Date(new Date(DETECTED_AT).getTime() + secondsAfter * 1000);
  const context: StepContext = {
    plan,
    request: {
      plan: "shop",
      kind: "failover",
      sourceRegion: "ap-northeast-1",
      targetRegion: "ap-southeast-1",
      trigger: {
        type: "alarm",
        alarmName: "shop-tokyo-health",
        alarmRegion: "us-east-1",
        detectedAt: DETECTED_AT,
      },
    },
    execution: { id: EXECUTION, startedAt: DETECTED_AT },
    clock: { now: () => now, sleep: async () => undefined },
    audit: {
      append: async (entry) => {
        audit.push(entry);
        return { ...entry, seq: audit.length, prevHash: "", hash: "" };
      },
    },
    actor: "lambda:kirikae-test-confirmSignal",
  };
  const deps: ConfirmSignalDeps = {
    alarms: {
      state: async (region, name) => {
        const reading = alarms[`${region}/${name}`];
        if (reading === "down")
          throw new TransientAwsError(`cloudwatch:DescribeAlarms in ${region} timed out`);
        return reading;
      },
    },
    state: {
      get: async (): Promise<PlanRuntimeState> => ({ plan: "shop", ...(lock ? { lock } : {}) }),
      releaseLock: async (_plan, holder, result) => {
        released.push({ holder, result });
        if (lock?.holder === holder) lock = undefined;
      },
    },
    notifier: { notify: async (subject) => void notified.push(subject) },
  };
  return { context, deps, audit, notified, released };
}

const alarmSince = (state: AlarmState["state"], secondsAfter: number): AlarmState => ({
  state,
  updatedAt: new Date(new Date(DETECTED_AT).getTime() + secondsAfter * 1000).toISOString(),
});

describe("confirming an alarm's signal in the workflow", () => {
  it("asks to wait out the rest of the hold, counted from the alarm's state change", async () => {
    const { context, deps, audit } = setUp(5, {
      "us-east-1/shop-tokyo-health": alarmSince("ALARM", 0),
      "ap-southeast-1/shop-tokyo-canary": alarmSince("OK", -600),
    });

    const progress = await confirmSignal(context, deps);

    expect(progress).toMatchObject({
      status: "pending",
      pollAfterSeconds: 55,
      holdsUntil: "2026-01-01T00:01:00.000Z",
    });
    expect(audit).toEqual([]);
  });

  it("confirms once the alarm has held for the hold time, recording every reading", async () => {
    const { context, deps, audit, released } = setUp(61, {
      "us-east-1/shop-tokyo-health": alarmSince("ALARM", 0),
      "ap-southeast-1/shop-tokyo-canary": alarmSince("OK", -600),
    });

    const progress = await confirmSignal(context, deps);

    expect(progress).toMatchObject({ status: "done", held: true });
    expect(audit).toEqual([
      expect.objectContaining({
        action: "signal.confirmed",
        details: {
          holdSeconds: 60,
          heldSeconds: 61,
          readings: [
            "alarm shop-tokyo-health in us-east-1 is ALARM since 2026-01-01T00:00:00.000Z",
            "alarm shop-tokyo-canary in ap-southeast-1 is OK since 2025-12-31T23:50:00.000Z",
          ],
        },
      }),
    ]);
    expect(released).toEqual([]);
  });

  it("treats the triggering alarm as still in ALARM when its region does not answer, and says so", async () => {
    const { context, deps, audit } = setUp(60, {
      "us-east-1/shop-tokyo-health": "down",
      "ap-southeast-1/shop-tokyo-canary": alarmSince("OK", -600),
    });

    const progress = await confirmSignal(context, deps);

    expect(progress).toMatchObject({ status: "done", held: true });
    expect(audit[0]?.details?.readings).toContain(
      "alarm shop-tokyo-health in us-east-1 could not be read: its region does not answer; treated as still in ALARM",
    );
  });

  it("waits again when the alarm left ALARM and came back during the hold: the new episode must hold too", async () => {
    const { context, deps } = setUp(60, {
      "us-east-1/shop-tokyo-health": alarmSince("ALARM", 40),
      "ap-southeast-1/shop-tokyo-canary": alarmSince("OK", -600),
    });

    const progress = await confirmSignal(context, deps);

    expect(progress).toMatchObject({ status: "pending", pollAfterSeconds: 40 });
  });

  it("keeps the signal when the trigger cleared but another trigger alarm has held in ALARM", async () => {
    const { context, deps, released } = setUp(60, {
      "us-east-1/shop-tokyo-health": alarmSince("OK", 30),
      "ap-southeast-1/shop-tokyo-canary": alarmSince("ALARM", -10),
    });

    const progress = await confirmSignal(context, deps);

    expect(progress).toMatchObject({ status: "done", held: true });
    expect(released).toEqual([]);
  });

  it("ends a flap: releases the lock without a cooldown, audits the end of the run and tells the on-call", async () => {
    const { context, deps, audit, notified, released } = setUp(30, {
      "us-east-1/shop-tokyo-health": alarmSince("OK", 25),
      "ap-southeast-1/shop-tokyo-canary": "down",
    });

    const progress = await confirmSignal(context, deps);

    expect(progress).toMatchObject({
      status: "done",
      held: false,
      reason: expect.stringMatching(/^flapping: /),
    });
    expect(released).toEqual([{ holder: "shop-run", result: {} }]);
    expect(audit).toEqual([
      expect.objectContaining({
        kind: "execution",
        action: "failover.cleared",
        outcome: "ignored",
        details: expect.objectContaining({
          readings: [
            "alarm shop-tokyo-health in us-east-1 is OK since 2026-01-01T00:00:25.000Z",
            "alarm shop-tokyo-canary in ap-southeast-1 could not be read: its region does not answer; not counted",
          ],
        }),
      }),
    ]);
    expect(notified).toEqual(["kirikae: shop alarm cleared within the hold; no failover"]);
  });

  it("stops, changing nothing, when the execution no longer holds the plan's lock (a retry after a flap)", async () => {
    const { context, deps, released, notified } = setUp(
      70,
      {
        "us-east-1/shop-tokyo-health": alarmSince("ALARM", 65),
        "ap-southeast-1/shop-tokyo-canary": alarmSince("OK", 0),
      },
      "shop-other-run",
    );

    const progress = await confirmSignal(context, deps);

    expect(progress).toMatchObject({ status: "done", held: false });
    expect(released).toEqual([]);
    expect(notified).toEqual([]);
  });
});

describe("the execution name of an alarm's failover", () => {
  const alarm = { region: "us-east-1", name: "shop-tokyo-health" };

  it("depends only on the plan, the alarm and its state-change time", () => {
    const name = signalExecutionName("shop", alarm, "2026-01-01T03:15:07.123Z");

    expect(name).toMatch(/^shop-failover-20260101T031507-[0-9a-f]{8}$/);
    expect(signalExecutionName("shop", alarm, "2026-01-01T03:15:07.999Z")).toBe(name);
    expect(signalExecutionName("shop", alarm, "2026-01-01T03:20:00.000Z")).not.toBe(name);
    expect(
      signalExecutionName("shop", { ...alarm, name: "shop-tokyo-5xx" }, "2026-01-01T03:15:07.123Z"),
    ).not.toBe(name);
  });

  it("fits Step Functions' 80 characters and its name rules for the longest plan name", () => {
    const name = signalExecutionName("p".repeat(40), alarm, "2026-01-01T03:15:07.123Z");

    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
