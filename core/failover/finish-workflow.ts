import { type DigestResult, writeDigestAtEnd } from "../audit/write-digest.js";
import type { Plan } from "../plan/schema.js";
import type { GlobalDatabasePort } from "../ports/global-database.js";
import type { PlanStatePort, PromotionMode } from "../ports/plan-state.js";
import type { NotifierPort } from "../ports/workflows.js";
import { type BlockCapacityPorts, undoBlockCapacity } from "../recovery/undo-capacity.js";
import { reportLine } from "../report/write-run-report.js";
import { executionNameOf } from "../workflow/accept-request.js";
import { auditGapOf } from "../workflow/audit-gap.js";
import { auditBase, type StepContext } from "../workflow/step-context.js";
import { memberArn } from "./plan-lookup.js";
import { restoreStandby } from "./restore-capacity.js";
import type { CapacityDeps } from "./scale-nodegroups.js";
import type { VerificationProgress } from "./verify-recovery.js";

export interface FinishDeps {
  state: PlanStatePort;
  notifier: NotifierPort;
  /**
   * Signs a digest of the plan's chain into the Object Lock bucket (core/audit/write-digest.ts). `runsIn`
   * is the region whose control plane runs this workflow (the target region): a deployed function is
   * there already; the sandbox, one control plane standing in for both, picks that region's key and bucket.
   */
  writeDigest(plan: string, runsIn?: string): Promise<DigestResult>;
  /**
   * Writes the run's incident report (core/report/write-run-report.ts) where the region's digests are kept
   * and says where; `runsIn` as for digests.
   */
  writeReport(plan: Plan, executionId: string, runsIn?: string): Promise<string[]>;
}

export interface WorkflowOutcome {
  status: "succeeded" | "aborted" | "escalated";
  activeRegion: string;
  rtoSeconds?: number;
  rpoSeconds?: number;
  reason?: string;
  compensated?: string[];
}

/**
 * Closes a successful run: the execution-level audit record (objectives against achieved RTO/RPO), the
 * plan's new active region and how its writer got there (a data-loss failover leaves an old primary that
 * must be fenced when its region returns: fence-returned-region.ts reads it), the lock released so the
 * cooldown starts, the notification, and a signed digest of the chain that now holds the run's end.
 */
export async function completeWorkflow(
  context: StepContext,
  deps: FinishDeps,
  verification: VerificationProgress,
  promotion?: PromotionMode,
): Promise<WorkflowOutcome> {
  const { plan, request } = context;
  const outcome: WorkflowOutcome = {
    status: "succeeded",
    activeRegion: request.targetRegion,
    ...(verification.rtoSeconds === undefined ? {} : { rtoSeconds: verification.rtoSeconds }),
    ...(verification.rpoSeconds === undefined ? {} : { rpoSeconds: verification.rpoSeconds }),
  };
  await context.audit.append({
    ...auditBase(context),
    kind: "execution",
    action: `${request.kind}.succeeded`,
    resource: plan.name,
    outcome: "ok",
    details: { ...outcome, objectives: plan.objectives, objectivesMet: verification.objectivesMet },
  });
  await deps.state.releaseLock(plan.name, executionName(context), {
    endedAt: context.clock.now().toISOString(),
    activeRegion: request.targetRegion,
    ...(promotion === undefined ? {} : { promotion }),
  });
  const report = await reportOf(context, deps);
  await deps.notifier.notify(
    `kirikae: ${plan.name} ${request.kind} to ${request.targetRegion} succeeded`,
    `Traffic for ${plan.name} is served from ${request.targetRegion}. RTO ${formatSeconds(outcome.rtoSeconds)} ` +
      `(objective ${plan.objectives.rtoMinutes} min), RPO ${formatSeconds(outcome.rpoSeconds)} ` +
      `(objective ${plan.objectives.rpoMinutes} min).${report}`,
    { ...outcome },
  );
  // Last, so the lock and the notification never wait on KMS or S3; a digest failure is recorded and
  // notified inside, never turned into a failed workflow.
  await writeDigestAtEnd(
    { ...context, ...deps, writeDigest: (name) => deps.writeDigest(name, request.targetRegion) },
    plan.name,
    context.execution.id,
  );
  return outcome;
}

export interface FailureInfo {
  /** The Step Functions error name (the thrown error's name). */
  error: string;
  cause: string;
}

/**
 * Closes a run that cannot finish: a failed pre-check (nothing changed) or a failed or stuck step.
 *   0. a step that failed because it could not append its record left a gap in the trail: record the gap
 *      first (`audit.gap`: which step, which record, the append's error), so the trail says what it lacks
 *   1. audit the failure with its cause
 *   2. compensate only what is safe: capacity scaled up in a region that did not become writer goes back
 *      to standby where it still holds what the scale-up set (restoreStandby), after a failed pre-check
 *      too when the run scaled up early during its hold; a promoted database is never reverted and DNS
 *      is never touched here
 *   3. release the lock (the cooldown still applies) and notify the on-call engineer
 *   4. sign a digest of the plan's chain, which now holds this run's end (a failure there is only reported)
 */
export async function abortWorkflow(
  context: StepContext,
  deps: FinishDeps & CapacityDeps & { database: GlobalDatabasePort; blockCapacity?: BlockCapacityPorts },
  failure: FailureInfo,
  stage: "precheck" | "recovery",
  /** The run scaled the standby up during its hold (prepare-capacity.ts): a stop before recovery undoes it too. */
  preparedEarly = false,
): Promise<WorkflowOutcome> {
  const { plan, request } = context;
  const reason = `${failure.error}: ${describeCause(failure.cause)}`;
  await recordAuditGap(context, failure);
  const compensated = stage === "recovery" || preparedEarly ? await compensate(context, deps) : [];
  const global = await deps.database.describe(plan.database.globalClusterIdentifier, request.targetRegion);
  const writer = global.members.find((member) => member.isWriter);
  const outcome: WorkflowOutcome = {
    status: stage === "precheck" ? "aborted" : "escalated",
    activeRegion: writer?.region === request.targetRegion ? request.targetRegion : request.sourceRegion,
    reason,
    compensated,
  };
  await context.audit.append({
    ...auditBase(context),
    kind: "execution",
    action: `${request.kind}.${outcome.status}`,
    resource: plan.name,
    outcome: "failed",
    error: { name: failure.error, message: describeCause(failure.cause) },
    details: { ...outcome },
  });
  await deps.state.releaseLock(plan.name, executionName(context), {
    endedAt: context.clock.now().toISOString(),
  });
  await deps.notifier.notify(
    `kirikae: ${plan.name} ${request.kind} ${outcome.status}: needs a person`,
    `The ${request.kind} of ${plan.name} to ${request.targetRegion} stopped: ${reason}. ` +
      (compensated.length > 0 ? `Compensation: ${compensated.join("; ")}. ` : "") +
      "DNS was not moved by this step; the execution's audit records say what was done." +
      (await reportOf(context, deps)),
    { ...outcome },
  );
  await writeDigestAtEnd(
    { ...context, ...deps, writeDigest: (name) => deps.writeDigest(name, request.targetRegion) },
    plan.name,
    context.execution.id,
  );
  return outcome;
}

/**
 * A decision record, not an execution one: the run's end is still the escalation record after it. If this
 * append fails too, the error stops the escalation here and the audit-write-errors alarm pages; nothing
 * else could hold the record.
 */
async function recordAuditGap(context: StepContext, failure: FailureInfo): Promise<void> {
  const gap = auditGapOf({ error: failure.error, message: describeCause(failure.cause) });
  if (!gap) return;
  await context.audit.append({
    ...auditBase(context),
    kind: "decision",
    action: "audit.gap",
    resource: context.plan.name,
    outcome: "failed",
    error: { name: failure.error, message: gap.message },
    details: {
      step: gap.step,
      ...(gap.action ? { missingAction: gap.action } : {}),
      ...(gap.kind ? { missingKind: gap.kind } : {}),
      execution: context.execution.id,
      next: "the execution's history in Step Functions keeps the failed step's input and error: read it for what the missing record would have held",
    },
  });
}

async function compensate(
  context: StepContext,
  deps: CapacityDeps & { database: GlobalDatabasePort; blockCapacity?: BlockCapacityPorts },
): Promise<string[]> {
  const { plan, request } = context;
  const global = await deps.database.describe(plan.database.globalClusterIdentifier, request.targetRegion);
  const targetArn = memberArn(plan, request.targetRegion);
  const targetIsOrBecomesWriter =
    global.failover?.toClusterArn === targetArn ||
    global.members.some((member) => member.clusterArn === targetArn && member.isWriter);
  if (targetIsOrBecomesWriter || request.kind === "failback") return [];
  // Only what a scale-up sets is undone; sizes an autoscaler or a person set since stay theirs.
  const restored = await restoreStandby(context, deps, request.targetRegion, { compensation: true });
  // The plan's Auto Scaling group and ECS service blocks, by the same rule.
  const blocks = deps.blockCapacity ? await undoBlockCapacity(context, deps.blockCapacity) : [];
  return [
    ...restored.changes.map((change) => `${change} (compensation)`),
    ...blocks.map((change) => `${change} (compensation)`),
    ...restored.left,
  ];
}

/**
 * The run's report, after its outcome is recorded and the lock released, so the person paged gets it with
 * the page; a report that cannot be written never changes the run's outcome, and the page says so.
 */
function reportOf(context: StepContext, deps: FinishDeps): Promise<string> {
  const { plan, request, execution } = context;
  return reportLine(
    () => deps.writeReport(plan, execution.id, request.targetRegion),
    plan.name,
    execution.id,
  );
}

/** Step Functions' Catch gives the error's Cause as a JSON string of the Lambda error; show its message. */
function describeCause(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === "string" ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}

function executionName(context: StepContext): string {
  return executionNameOf(context.execution.id);
}

function formatSeconds(seconds: number | undefined): string {
  return seconds === undefined ? "n/a" : `${Math.round(seconds)} s`;
}
