import type { TriggerAlarm } from "../plan/schema.js";
import type { PlanStatePort } from "../ports/plan-state.js";
import type { AlarmPort, AlarmState, NotifierPort } from "../ports/workflows.js";
import { executionNameOf } from "../workflow/accept-request.js";
import { auditBase, type StepContext } from "../workflow/step-context.js";
import { AwsCallError, TransientAwsError } from "../workflow/workflow-errors.js";

export interface ConfirmSignalDeps {
  /** Read through probe clients: a region that does not answer costs seconds, and says so. */
  alarms: Pick<AlarmPort, "state">;
  state: Pick<PlanStatePort, "get" | "releaseLock">;
  notifier: NotifierPort;
}

/** One trigger alarm as this step found it, in words for the decision record. */
export interface AlarmReading {
  alarm: string;
  region: string;
  state: AlarmState["state"] | "UNREADABLE";
  /** Since when the alarm has been in its state; for an unreadable trigger, since the event said. */
  since?: string;
  statement: string;
}

export type SignalProgress =
  | { status: "pending"; pollAfterSeconds: number; holdsUntil: string; readings: AlarmReading[] }
  | { status: "done"; held: true; readings: AlarmReading[] }
  | { status: "done"; held: false; reason: string; readings: AlarmReading[] };

/**
 * The hold and the flap check of an alarm-started failover, in the workflow: the detector started it at
 * once, so a dead region never kept it from deciding. Called, then called again after each Wait it asks
 * for, until the signal has held for the plan's holdSeconds or cleared. Reads and the lock only; nothing
 * in the estate changes here.
 *   1. this execution must still hold the plan's lock (a retried call after a clearing must not go on)
 *   2. read every trigger alarm where it can be read, through short-timeout probes, concurrently
 *   3. what still says the active region is down: each alarm in ALARM, since its state changed, and the
 *      triggering alarm when its region does not answer (treated as still in ALARM since the event)
 *   4. nothing: a flap; release the lock without a cooldown (nothing ran), audit, notify, end
 *      something that has held for holdSeconds: the signal is confirmed, audited with every reading
 *      otherwise: wait until the longest-standing one will have held
 */
export async function confirmSignal(context: StepContext, deps: ConfirmSignalDeps): Promise<SignalProgress> {
  const { plan, request } = context;
  const trigger = request.trigger;
  if (trigger.type !== "alarm") return { status: "done", held: true, readings: [] };
  const holder = executionNameOf(context.execution.id);
  const lock = (await deps.state.get(plan.name)).lock;
  if (lock?.holder !== holder) {
    const reason = `this execution no longer holds the lock of plan "${plan.name}" (${lock ? `${lock.holder} does` : "nobody does"}); it stops before changing anything`;
    await recordClosing(context, reason, []);
    return { status: "done", held: false, reason, readings: [] };
  }

  const isTrigger = (alarm: TriggerAlarm) =>
    alarm.name === trigger.alarmName && alarm.region === trigger.alarmRegion;
  const readings = await Promise.all(
    plan.triggers.alarms.map((alarm) => readAlarm(deps, alarm, isTrigger(alarm), trigger.detectedAt)),
  );
  const standing = readings
    .flatMap((reading) => (reading.since ? [new Date(reading.since).getTime()] : []))
    .sort((a, b) => a - b);
  const holdMs = plan.triggers.holdSeconds * 1000;
  const now = context.clock.now().getTime();

  const [longest] = standing;
  if (longest === undefined) {
    const reason = `flapping: ${trigger.alarmName} (${trigger.alarmRegion}) left ALARM within the ${plan.triggers.holdSeconds} s hold time, and no other trigger alarm is in ALARM`;
    // A plan that scaled up during the hold keeps the lock until "Undo preparation" has put it back, so
    // no other run can start on a half-undone standby; that step closes the run.
    if (!plan.triggers.prepareDuringHold) await closeClearedSignal(context, deps, reason, readings, []);
    return { status: "done", held: false, reason, readings };
  }
  if (now - longest < holdMs) {
    const holdsUntil = new Date(longest + holdMs);
    return {
      status: "pending",
      pollAfterSeconds: Math.max(1, Math.ceil((longest + holdMs - now) / 1000)),
      holdsUntil: holdsUntil.toISOString(),
      readings,
    };
  }
  await context.audit.append({
    ...auditBase(context),
    kind: "decision",
    action: "signal.confirmed",
    resource: `${trigger.alarmRegion}/${trigger.alarmName}`,
    outcome: "ok",
    details: {
      holdSeconds: plan.triggers.holdSeconds,
      heldSeconds: Math.floor((now - longest) / 1000),
      readings: readings.map((reading) => reading.statement),
    },
  });
  return { status: "done", held: true, readings };
}

async function readAlarm(
  deps: ConfirmSignalDeps,
  alarm: TriggerAlarm,
  triggering: boolean,
  detectedAt: string,
): Promise<AlarmReading> {
  const named = `alarm ${alarm.name} in ${alarm.region}`;
  const unreadable = (why: string): AlarmReading => ({
    alarm: alarm.name,
    region: alarm.region,
    state: "UNREADABLE",
    ...(triggering ? { since: detectedAt } : {}),
    statement: `${named} could not be read: ${why}; ${triggering ? "treated as still in ALARM" : "not counted"}`,
  });
  let found: AlarmState | undefined;
  try {
    found = await deps.alarms.state(alarm.region, alarm.name);
  } catch (error) {
    if (error instanceof TransientAwsError) return unreadable("its region does not answer");
    if (error instanceof AwsCallError) return unreadable(`AWS refused the read (${error.awsErrorName})`);
    throw error;
  }
  if (!found) return unreadable("it does not exist");
  const inAlarm = found.state === "ALARM";
  return {
    alarm: alarm.name,
    region: alarm.region,
    state: found.state,
    ...(inAlarm ? { since: found.updatedAt } : {}),
    statement: `${named} is ${found.state} since ${found.updatedAt}`,
  };
}

/**
 * Ends a run whose signal cleared: the lock goes first (a retry after this point finds it gone and stops,
 * whatever it reads), then the closing record and the page. `undone` is what "Undo preparation" put back.
 */
export async function closeClearedSignal(
  context: StepContext,
  deps: Pick<ConfirmSignalDeps, "state" | "notifier">,
  reason: string,
  readings: readonly Pick<AlarmReading, "statement">[],
  undone: readonly string[],
): Promise<void> {
  const { plan } = context;
  await deps.state.releaseLock(plan.name, executionNameOf(context.execution.id), {});
  await recordClosing(context, reason, readings, undone);
  const changed =
    undone.length > 0
      ? `The standby's early scale-up was put back (${undone.join("; ")})`
      : "Nothing was changed";
  await deps.notifier.notify(
    `kirikae: ${plan.name} alarm cleared within the hold; no failover`,
    `${reason}. ${changed}, and no cooldown started: the next alarm is decided on as usual.`,
    {
      plan: plan.name,
      execution: context.execution.id,
      readings: readings.map((r) => r.statement),
      ...(undone.length > 0 ? { undone } : {}),
    },
  );
}

/** The run's closing record: the report and `kirikae status` read it as the end of this execution. */
async function recordClosing(
  context: StepContext,
  reason: string,
  readings: readonly Pick<AlarmReading, "statement">[],
  undone: readonly string[] = [],
) {
  await context.audit.append({
    ...auditBase(context),
    kind: "execution",
    action: `${context.request.kind}.cleared`,
    resource: context.plan.name,
    outcome: "ignored",
    details: {
      status: "cleared",
      activeRegion: context.request.sourceRegion,
      reason,
      readings: readings.map((reading) => reading.statement),
      ...(undone.length > 0 ? { undone } : {}),
    },
  });
}
