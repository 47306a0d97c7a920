import type { Clock } from "../clock.js";
import { KirikaeError } from "../errors.js";
import type { PlanCatalog } from "../plan/plan-catalog.js";
import type { Plan } from "../plan/schema.js";
import type { AuditEntry, AuditPort } from "../ports/audit.js";
import type { PlanStatePort } from "../ports/plan-state.js";
import type { WorkflowStarterPort } from "../ports/workflows.js";
import { LOCK_LEASE_MARGIN_MINUTES } from "../workflow/accept-request.js";
import { retryTransient } from "../workflow/retry-transient.js";
import { AwsCallError } from "../workflow/workflow-errors.js";
import type { WorkflowRequest } from "../workflow/workflow-request.js";
import { otherRegion } from "./plan-lookup.js";
import { signalExecutionName } from "./signal-execution-name.js";

export interface AlarmSignal {
  alarmName: string;
  region: string;
  state: string;
  /** When the alarm entered this state (the event's detail.state.timestamp): the same for every delivery. */
  time: string;
}

export interface DetectorDeps {
  plans: PlanCatalog;
  state: PlanStatePort;
  workflows: WorkflowStarterPort;
  audit: AuditPort;
  clock: Clock;
  /** The detector's own identity, recorded as the actor of its decisions. */
  actor: string;
}

export type Decision =
  | { decision: "started"; plan: string; executionArn: string; executionName: string }
  | { decision: "ignored"; plan: string | undefined; reason: string };

/**
 * Turns an alarm state change into at most one failover per plan (invariant 2), from the event and the
 * control plane's own table alone: nothing here reads the alarm's region or us-east-1, and nothing waits.
 *   1. only alarms a plan names, only ALARM, only while the plan is home (failback is by hand)
 *   2. none while another execution holds the plan's lock, none within the cooldown after the last run
 *   3. the execution is named from the plan, the alarm and its state-change time, and its input is built
 *      from the event only, so a redelivered event (EventBridge's at-least-once, Lambda's retry after a
 *      crash) takes the same lock and gets the same execution back from StartExecution, never a second
 *   4. take the lock under that name, record the request under it on the plan's state (the first step
 *      accepts an alarm trigger only when it finds this record), then start the execution at once: the hold and the flap check are
 *      the workflow's own ("Confirm signal"), so a region that is down cannot stop the decision; of many
 *      deliveries the one that took the lock reports "started", the others are audited as duplicates
 * Every decision is audited with its reason. A failure is audited too (best effort), then rethrown so
 * Lambda retries the event; after its retries the event goes to the detector's dead-letter queue.
 */
export async function decideOnAlarm(deps: DetectorDeps, signal: AlarmSignal): Promise<Decision> {
  let attempt: { plan: string; executionName?: string } = { plan: "-" };
  try {
    const plan = deps.plans.forAlarm(signal.alarmName, signal.region);
    if (!plan)
      return await ignore(
        deps,
        undefined,
        signal,
        `alarm ${signal.alarmName} in ${signal.region} is not in any plan`,
      );
    const executionName = signalExecutionName(
      plan.name,
      { region: signal.region, name: signal.alarmName },
      signal.time,
    );
    attempt = { plan: plan.name, executionName };
    if (signal.state !== "ALARM")
      return await ignore(deps, plan, signal, `alarm state is ${signal.state}, not ALARM`);
    return await decide(deps, plan, signal, executionName);
  } catch (error) {
    await recordFailure(deps, signal, attempt, error);
    throw error;
  }
}

async function decide(
  deps: DetectorDeps,
  plan: Plan,
  signal: AlarmSignal,
  executionName: string,
): Promise<Decision> {
  const runtime = await deps.state.get(plan.name);
  const now = deps.clock.now();
  const activeRegion = runtime.activeRegion ?? plan.activeRegion;
  if (activeRegion !== plan.activeRegion) {
    return ignore(deps, plan, signal, `already failed over to ${activeRegion}; failback is started by hand`);
  }
  // A lock under this very name is this signal's: an earlier delivery took it, or its execution runs.
  const ours = runtime.lock?.holder === executionName;
  if (runtime.lock && !ours && new Date(runtime.lock.leaseUntil) > now) {
    return ignore(deps, plan, signal, `workflow ${runtime.lock.holder} is in flight`);
  }
  const cooldownEnds = runtime.lastWorkflowEndedAt
    ? new Date(new Date(runtime.lastWorkflowEndedAt).getTime() + plan.triggers.cooldownMinutes * 60_000)
    : undefined;
  if (!ours && cooldownEnds && cooldownEnds > now) {
    return ignore(deps, plan, signal, `in cooldown until ${cooldownEnds.toISOString()}`);
  }
  const leaseUntil = new Date(
    now.getTime() + (plan.timeouts.rollbackAfterMinutes + LOCK_LEASE_MARGIN_MINUTES) * 60_000,
  );
  const taken = await deps.state.takeLock(
    plan.name,
    {
      holder: executionName,
      kind: "failover",
      acquiredAt: now.toISOString(),
      leaseUntil: leaseUntil.toISOString(),
    },
    now.toISOString(),
  );
  if (taken === "refused") return ignore(deps, plan, signal, "another workflow took the plan's lock first");
  return start(deps, plan, signal, executionName, { lockWasOurs: taken === "held" });
}

async function start(
  deps: DetectorDeps,
  plan: Plan,
  signal: AlarmSignal,
  executionName: string,
  options: { lockWasOurs: boolean },
): Promise<Decision> {
  const request = requestFor(plan, signal);
  const record = (entry: Partial<AuditEntry> & Pick<AuditEntry, "kind" | "outcome">) =>
    deps.audit.append({
      ...decisionBase(deps, plan.name, signal),
      action: "states:StartExecution",
      region: deps.workflows.region,
      ...entry,
      details: { executionName, request, ...entry.details },
    });
  await record({ kind: "intent", outcome: "pending" });
  // The first step accepts an alarm trigger only against this record (invariant 6): written before the
  // start, so the execution always finds it, and first-write-wins, so a redelivery cannot change it.
  await deps.state.recordDetectorRequest(plan.name, {
    executionName,
    request,
    region: deps.workflows.region,
    recordedAt: deps.clock.now().toISOString(),
  });
  let started: Awaited<ReturnType<WorkflowStarterPort["start"]>>;
  try {
    started = await retryTransient(deps.clock, () =>
      deps.workflows.start({ kind: "failover", plan: plan.name, executionName, input: request }),
    );
  } catch (error) {
    const closed = error instanceof AwsCallError && error.awsErrorName === "ExecutionAlreadyExists";
    // Only a lock this call took, for a start AWS refused outright, is given back: a lock held before
    // may be the running execution's own (it has the same name), and after a timeout the start may
    // have gone through.
    const definitive = error instanceof AwsCallError;
    if (definitive && !options.lockWasOurs) {
      await deps.state.releaseLock(plan.name, executionName, {});
    }
    await record({
      kind: "outcome",
      outcome: closed ? "ignored" : "failed",
      ...(error instanceof KirikaeError && error.requestId ? { requestId: error.requestId } : {}),
      error: { name: errorName(error), message: String(error) },
    });
    if (closed) {
      return ignore(
        deps,
        plan,
        signal,
        `duplicate: execution ${executionName} already ran for this alarm state change`,
      );
    }
    throw error;
  }
  await record({
    kind: "outcome",
    outcome: "ok",
    executionId: started.executionArn,
    requestId: started.requestId,
    details: { decision: options.lockWasOurs ? "failover.duplicate" : "failover.started" },
  });
  if (options.lockWasOurs) {
    // The start was still made: the delivery that took the lock may have died before making it, and
    // for a running execution of this name and input StartExecution changes nothing.
    return ignore(deps, plan, signal, DUPLICATE_DELIVERY);
  }
  return { decision: "started", plan: plan.name, executionArn: started.executionArn, executionName };
}

/** Constant, so the drill can count duplicates; true whether or not the earlier delivery lived to start it. */
const DUPLICATE_DELIVERY =
  "duplicate: an earlier delivery of this alarm state change took the plan's lock; StartExecution confirms its execution runs";

/** The execution input, from the event alone: a redelivery must produce it byte for byte. */
function requestFor(plan: Plan, signal: AlarmSignal): WorkflowRequest {
  return {
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

/**
 * The trail shows every attempt, the failed ones too. Best effort: the failure may be the audit table's
 * own, and the error the caller rethrows matters more than this record.
 */
async function recordFailure(
  deps: DetectorDeps,
  signal: AlarmSignal,
  attempt: { plan: string; executionName?: string },
  error: unknown,
): Promise<void> {
  const base = decisionBase(deps, attempt.plan, signal);
  try {
    await deps.audit.append({
      ...base,
      action: "alarm.detector-failed",
      outcome: "failed",
      error: { name: errorName(error), message: error instanceof Error ? error.message : String(error) },
      details: {
        ...base.details,
        ...(attempt.executionName ? { executionName: attempt.executionName } : {}),
        next: "Lambda delivers the event again (twice, about 1 and 2 minutes later), which starts the same execution; after that it goes to the detector's dead-letter queue and its errors alarm notifies the on-call topic",
      },
    });
  } catch {
    // The rethrown error still fails the invocation, so Lambda retries it and the errors alarm sees it.
  }
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

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "UnknownError";
}
