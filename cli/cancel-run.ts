import { type SFNClient, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { requestIdOf } from "../adapters/aws/aws-errors.js";
import { auditedAction, recordDecision } from "../core/audit/audited-action.js";
import type { Clock } from "../core/clock.js";
import { KirikaeError } from "../core/errors.js";
import type { WorkflowOutcome } from "../core/failover/finish-workflow.js";
import { workflowRequestSchema } from "../core/workflow/workflow-request.js";
import { functionName } from "../infra/names.js";
import { TASK_TIMEOUT_SECONDS } from "../stepfunctions/asl.js";
import type { InvokeResult } from "./cli-aws.js";
import type { ExecutionArn } from "./execution-arn.js";
import { followExecution } from "./follow-execution.js";
import type { StageTarget } from "./stage-target.js";
import type { ExecutionProgress, ExecutionStatus } from "./step-timeline.js";

/** The error a cancelled execution stops with, and that its escalation records. */
export const CANCELLED = "Cancelled";

/** How long to wait for a moment when no step's function is running, before stopping regardless. */
const QUIET_TIMEOUT_MS = 2 * 60_000;

/** The state a failover pauses in before anything changed, waiting for a person (failover-definition.ts). */
const AWAITING_APPROVAL = "Await approval";

export class CancelEscalationFailed extends KirikaeError {
  constructor(executionArn: string, message: string, options: { cause?: unknown } = {}) {
    super(`the run was stopped, but its escalation failed: ${message}`, {
      ...options,
      resource: executionArn,
      action: `run \`kirikae cancel ${executionArn} --reason TEXT\` again (it resumes at the escalation), or follow the escalation runbook by hand; \`kirikae audit query --execution ${executionArn}\` says what was done`,
    });
    this.name = "CancelEscalationFailed";
  }
}

export interface CancelDeps {
  sfn: SFNClient;
  clock: Clock;
  pollMs: number;
  /** The stage's control plane in the execution's region, read and written as the caller. */
  target: StageTarget;
  invoke(region: string, functionName: string, payload: unknown): Promise<InvokeResult>;
  /** A line of progress for the person (a wait they should know about). */
  note(text: string): void;
}

export interface CancelRequest {
  execution: ExecutionArn;
  plan: string;
  reason: string;
  /** The execution's status before anything was done. */
  status: ExecutionStatus;
}

export type CancelOutcome =
  | { result: "ended-first"; status: ExecutionStatus }
  | {
      result: "cancelled";
      stoppedNow: boolean;
      escalation: WorkflowOutcome | "released-lock" | "not-needed";
    };

/**
 * Stops a run and leaves what it changed consistent, by the path its own failures take:
 *   1. audit the request with the caller's identity and reason (`<kind>.cancel-requested`)
 *   2. wait for a moment when no step's function is running (the polling steps spend most of their time
 *      in Wait states), so no AWS call is left half-made by the stop
 *   3. StopExecution, audited as any mutating call (its CloudTrail event names the caller)
 *   4. if a function was still running when it stopped, wait out the Task timeout: a stop does not stop a
 *      Lambda, and the escalation must see what that call did
 *   5. if the run still holds the plan's lock, run the workflow's own escalation (the deployed
 *      abortWorkflow function, as the Escalate state would, with the state the run had reached): it
 *      audits, undoes what is safe (capacity scaled up in a region that did not become the writer),
 *      never moves DNS, releases the lock, notifies and signs a digest. A run stopped while waiting for
 *      approval is closed as "not approved" (nothing had changed); one stopped inside its first step,
 *      before its request was accepted, only has its lock released
 *   6. audit the end (`<kind>.cancelled`) with what the escalation did
 * Safe to run again: a stopped run whose lock is still held resumes at step 5.
 */
export async function cancelRun(deps: CancelDeps, request: CancelRequest): Promise<CancelOutcome> {
  const { execution, plan, reason } = request;
  const { target, clock } = deps;
  const scope = {
    plan: { name: plan },
    execution: { id: execution.arn },
    clock,
    audit: target.audit,
    actor: target.identity,
  };
  const cause = `cancelled by ${target.identity}: ${reason}`;
  await recordDecision(scope, {
    action: `${execution.kind}.cancel-requested`,
    resource: plan,
    details: { reason, requestedBy: target.identity, status: request.status },
  });
  let stoppedNow = false;
  if (request.status === "RUNNING") {
    const quiet = await followExecution({
      sfn: deps.sfn,
      executionArn: execution.arn,
      clock,
      pollMs: deps.pollMs,
      until: (progress) => progress.inFlight.length === 0,
      timeoutMs: QUIET_TIMEOUT_MS,
    });
    if (quiet.stopped === "ended") return { result: "ended-first", status: quiet.progress.status };
    await auditedAction(
      scope,
      {
        action: "states:StopExecution",
        resource: execution.arn,
        region: execution.region,
        details: { reason },
      },
      async () => {
        const stopped = await deps.sfn.send(
          new StopExecutionCommand({ executionArn: execution.arn, error: CANCELLED, cause }),
        );
        return { requestId: requestIdOf(stopped) };
      },
    );
    stoppedNow = true;
  }
  const { progress } = await followExecution({
    sfn: deps.sfn,
    executionArn: execution.arn,
    clock,
    pollMs: deps.pollMs,
  });
  if (progress.inFlightAtEnd.length > 0) {
    deps.note(
      `${progress.inFlightAtEnd.join(", ")} was running when the run stopped; waiting up to ${TASK_TIMEOUT_SECONDS} s for it to finish before escalating`,
    );
    await clock.sleep(TASK_TIMEOUT_SECONDS * 1000);
  }
  const escalation = await escalate(deps, request, progress, cause);
  await recordDecision(scope, {
    action: `${execution.kind}.cancelled`,
    resource: plan,
    details: {
      reason,
      cancelledBy: target.identity,
      escalation: typeof escalation === "string" ? escalation : { ...escalation },
    },
  });
  return { result: "cancelled", stoppedNow, escalation };
}

async function escalate(
  deps: CancelDeps,
  request: CancelRequest,
  progress: ExecutionProgress,
  cause: string,
): Promise<WorkflowOutcome | "released-lock" | "not-needed"> {
  const { execution, plan } = request;
  const { target } = deps;
  // The lock says whether the run still owns the plan: refused runs never took it, and an escalation
  // that already ran (the run's own, or an earlier cancel's) released it.
  const state = await target.state.get(plan);
  if (state.lock?.holder !== execution.name) return "not-needed";
  const last = progress.lastState;
  if (!last || !workflowRequestSchema.safeParse(last.document.request).success) {
    // Stopped inside its first step, after the lock was taken but before the request was accepted:
    // nothing else had changed, and the escalation could not read the unaccepted request.
    await target.state.releaseLock(plan, execution.name, {});
    return "released-lock";
  }
  const failure = { Error: CANCELLED, Cause: JSON.stringify({ errorMessage: cause }) };
  const payload =
    last.name === AWAITING_APPROVAL
      ? { ...last.document, approvalFailure: failure }
      : { ...last.document, failure };
  let invoked: InvokeResult;
  try {
    invoked = await deps.invoke(execution.region, functionName(target.stage, "abortWorkflow"), payload);
  } catch (error) {
    throw new CancelEscalationFailed(execution.arn, (error as Error).message, { cause: error });
  }
  return invoked.payload as WorkflowOutcome;
}

/** The run ended on its own before it could be cancelled: there is nothing to stop. */
export class NothingToCancel extends KirikaeError {
  constructor(executionArn: string, kind: string, status: ExecutionStatus) {
    super(
      `the ${kind} ${executionArn} has already ended (${status.toLowerCase().replace("_", " ")}): nothing to cancel`,
      {
        resource: executionArn,
        action:
          kind === "failover"
            ? "to move the plan back, start a failback (`kirikae failback --plan NAME --reason TEXT`)"
            : "to move the plan again, start a failover (`kirikae failover --plan NAME --reason TEXT`)",
      },
    );
    this.name = "NothingToCancel";
  }
}
