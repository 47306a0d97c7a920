import type { Clock } from "../clock.js";
import { KirikaeError } from "../errors.js";
import type { PlanCatalog } from "../plan/plan-catalog.js";
import type { Plan } from "../plan/schema.js";
import type { AuditEntry, AuditPort } from "../ports/audit.js";
import type { PlanStatePort } from "../ports/plan-state.js";
import type { AlarmPort, NotifierPort, WorkflowStarterPort } from "../ports/workflows.js";
import { LOCK_LEASE_MARGIN_MINUTES } from "../workflow/accept-request.js";
import { retryTransient } from "../workflow/retry-transient.js";
import type { WorkflowRequest } from "../workflow/workflow-request.js";
import { otherRegion } from "./plan-lookup.js";

export interface AlarmSignal {
  alarmName: string;
  region: string;
  state: string;
  /** When the alarm changed state, as the event says. */
  time: string;
}

export interface DetectorDeps {
  plans: PlanCatalog;
  state: PlanStatePort;
  alarms: AlarmPort;
  workflows: WorkflowStarterPort;
  audit: AuditPort;
  notifier: NotifierPort;
  clock: Clock;
  /** The detector's own identity, recorded as the actor of its decisions. */
  actor: string;
}

export type Decision =
  | { decision: "started"; plan: string; executionArn: string; executionName: string }
  | { decision: "ignored"; plan: string | undefined; reason: string };

/** A held signal outlives the hold by this much before another event may take it over. */
const SIGNAL_EXPIRY_MARGIN_SECONDS = 300;

/**
 * Turns an alarm state change into at most one failover per plan (invariant 2).
 *   1. only alarms a plan names, only ALARM, only while the plan is home (failback is by hand)
 *   2. no run while one is in flight or within the cooldown after the last one
 *   3. one event holds the signal (conditional write); duplicates of a storm stop here
 *   4. the holder waits out the hold time on the clock and re-reads the alarm: a flap ends it
 *   5. a plan that requires approval starts the failover too: it pauses after its pre-checks until a
 *      person approves, so the approver sees the standby's readiness before deciding
 *   6. take the plan's lock, then start the execution under a name tied to the signal
 * Every decision, started or ignored, is audited with its reason.
 */
export async function decideOnAlarm(deps: DetectorDeps, signal: AlarmSignal): Promise<Decision> {
  const plan = deps.plans.forAlarm(signal.alarmName, signal.region);
  if (!plan)
    return ignore(
      deps,
      undefined,
      signal,
      `alarm ${signal.alarmName} in ${signal.region} is not in any plan`,
    );
  if (signal.state !== "ALARM")
    return ignore(deps, plan, signal, `alarm state is ${signal.state}, not ALARM`);

  const runtime = await deps.state.get(plan.name);
  const now = deps.clock.now();
  const activeRegion = runtime.activeRegion ?? plan.activeRegion;
  if (activeRegion !== plan.activeRegion) {
    return ignore(deps, plan, signal, `already failed over to ${activeRegion}; failback is started by hand`);
  }
  if (runtime.lock && new Date(runtime.lock.leaseUntil) > now) {
    return ignore(deps, plan, signal, `workflow ${runtime.lock.holder} is in flight`);
  }
  const cooldownEnds = runtime.lastWorkflowEndedAt
    ? new Date(new Date(runtime.lastWorkflowEndedAt).getTime() + plan.triggers.cooldownMinutes * 60_000)
    : undefined;
  if (cooldownEnds && cooldownEnds > now) {
    return ignore(deps, plan, signal, `in cooldown until ${cooldownEnds.toISOString()}`);
  }
  const alarmKey = `${signal.region}/${signal.alarmName}`;
  const expiresAt = new Date(
    now.getTime() + (plan.triggers.holdSeconds + SIGNAL_EXPIRY_MARGIN_SECONDS) * 1000,
  );
  const held = await deps.state.holdSignal(plan.name, {
    alarmKey,
    firstSeenAt: signal.time,
    expiresAt: expiresAt.toISOString(),
  });
  if (!held) {
    return ignore(deps, plan, signal, "duplicate: a signal for this plan is already being held");
  }
  try {
    const flap = await holdSignal(deps, plan, signal);
    if (flap) return await ignore(deps, plan, signal, flap);
    return await start(deps, plan, signal);
  } finally {
    await deps.state.clearSignal(plan.name);
  }
}

/** Waits until the alarm has been in ALARM for the hold time; returns why not if it left ALARM. */
async function holdSignal(deps: DetectorDeps, plan: Plan, signal: AlarmSignal): Promise<string | undefined> {
  const holdMs = plan.triggers.holdSeconds * 1000;
  for (;;) {
    const alarm = await retryTransient(deps.clock, () => deps.alarms.state(signal.region, signal.alarmName));
    if (alarm?.state !== "ALARM") {
      return `flapping: the alarm returned to ${alarm?.state ?? "an unknown state"} within the ${plan.triggers.holdSeconds} s hold time`;
    }
    const heldMs = deps.clock.now().getTime() - new Date(alarm.updatedAt).getTime();
    if (heldMs >= holdMs) return undefined;
    await deps.clock.sleep(holdMs - heldMs);
  }
}

async function start(deps: DetectorDeps, plan: Plan, signal: AlarmSignal): Promise<Decision> {
  const now = deps.clock.now();
  const executionName = `${plan.name}-failover-${now.toISOString().replace(/[-:.]/g, "").slice(0, 15)}`;
  const leaseUntil = new Date(
    now.getTime() + (plan.timeouts.rollbackAfterMinutes + LOCK_LEASE_MARGIN_MINUTES) * 60_000,
  );
  const locked = await deps.state.acquireLock(
    plan.name,
    {
      holder: executionName,
      kind: "failover",
      acquiredAt: now.toISOString(),
      leaseUntil: leaseUntil.toISOString(),
    },
    now.toISOString(),
  );
  if (!locked) return ignore(deps, plan, signal, "another workflow took the plan's lock first");
  const request: WorkflowRequest = {
    plan: plan.name,
    kind: "failover",
    sourceRegion: plan.activeRegion,
    targetRegion: otherRegion(plan, plan.activeRegion),
    trigger: {
      type: "alarm",
      alarmName: signal.alarmName,
      alarmRegion: signal.region,
      detectedAt: signal.time,
    },
  };
  const record = (entry: Partial<AuditEntry> & Pick<AuditEntry, "kind" | "outcome">) =>
    deps.audit.append({
      ...decisionBase(deps, plan.name, signal),
      action: "states:StartExecution",
      region: deps.workflows.region,
      ...entry,
    });
  try {
    await record({ kind: "intent", outcome: "pending", details: { executionName, request } });
    const started = await retryTransient(deps.clock, () =>
      deps.workflows.start("failover", executionName, request),
    );
    await record({
      kind: "outcome",
      outcome: "ok",
      executionId: started.executionArn,
      requestId: started.requestId,
      details: { executionName, request, decision: "failover.started" },
    });
    return { decision: "started", plan: plan.name, executionArn: started.executionArn, executionName };
  } catch (error) {
    await deps.state.releaseLock(plan.name, executionName, { endedAt: deps.clock.now().toISOString() });
    await record({
      kind: "outcome",
      outcome: "failed",
      ...(error instanceof KirikaeError && error.requestId ? { requestId: error.requestId } : {}),
      error: { name: error instanceof Error ? error.name : "UnknownError", message: String(error) },
    });
    throw error;
  }
}

async function ignore(
  deps: DetectorDeps,
  plan: Plan | undefined,
  signal: AlarmSignal,
  reason: string,
): Promise<Decision> {
  await deps.audit.append({
    ...decisionBase(deps, plan?.name ?? "-", signal),
    action: "alarm.ignored",
    outcome: "ignored",
    details: { reason },
  });
  return { decision: "ignored", plan: plan?.name, reason };
}

function decisionBase(deps: DetectorDeps, plan: string, signal: AlarmSignal): AuditEntry {
  return {
    plan,
    executionId: "-",
    kind: "decision",
    action: "",
    actor: `alarm:${signal.region}/${signal.alarmName}`,
    at: deps.clock.now().toISOString(),
    resource: `${signal.region}/${signal.alarmName}`,
    details: { alarmState: signal.state, alarmTime: signal.time, detector: deps.actor },
  };
}
