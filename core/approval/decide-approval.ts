import { auditedAction, recordDecision } from "../audit/audited-action.js";
import type { Clock } from "../clock.js";
import { KirikaeError } from "../errors.js";
import type { AuditPort } from "../ports/audit.js";
import type { ApprovalQuestion, PendingApproval, PlanStatePort } from "../ports/plan-state.js";
import type { TaskCallbackPort } from "../ports/workflows.js";

/** The error the paused failover fails with when a person rejects it; its Catch matches this name. */
export const APPROVAL_REJECTED = "ApprovalRejected";

export interface ApprovalDecisionDeps {
  state: PlanStatePort;
  audit: AuditPort;
  clock: Clock;
  /** Step Functions' callbacks for the execution that waits. */
  callbacks: (executionId: string) => TaskCallbackPort;
  /** The IAM identity answering, as AWS sees it (STS), never a name typed on the command line. */
  approver: string;
}

export interface ApprovalAnswer {
  plan: string;
  approve: boolean;
  reason: string;
}

export class NoPendingApproval extends KirikaeError {
  constructor(plan: string) {
    super(`no ${plan} workflow is waiting for approval (it may have been answered already, or timed out)`, {
      resource: plan,
      action: "see what is in flight with `kirikae status`",
    });
    this.name = "NoPendingApproval";
  }
}

/**
 * A person answers a failover that waits for approval, whichever question it asks: whether to start
 * (approval mode) or whether to fail over with data loss (the promotion's "asks" rows):
 *   1. take the pending approval from the plan's state (atomically: a second answer finds none)
 *   2. audit the decision with the approver's IAM identity and reason (`failover.approved` /
 *      `failover.rejected`, or `database.data-loss-approved` / `database.data-loss-rejected`)
 *   3. resume the workflow (SendTaskSuccess) or stop it (SendTaskFailure), audited as any mutating call,
 *      so CloudTrail's event of that call is linked to the decision as its evidence
 */
export async function decideApproval(
  deps: ApprovalDecisionDeps,
  answer: ApprovalAnswer,
): Promise<PendingApproval & { question: ApprovalQuestion; decision: "approved" | "rejected" }> {
  const pending = await deps.state.takeApproval(answer.plan);
  if (!pending) throw new NoPendingApproval(answer.plan);
  const callbacks = deps.callbacks(pending.executionId);
  const scope = {
    plan: { name: answer.plan },
    execution: { id: pending.executionId },
    clock: deps.clock,
    audit: deps.audit,
    actor: deps.approver,
  };
  const decision = answer.approve ? "approved" : "rejected";
  const question = pending.question ?? "failover";
  await recordDecision(scope, {
    action: question === "data-loss" ? `database.data-loss-${decision}` : `failover.${decision}`,
    resource: answer.plan,
    details: { reason: answer.reason, approver: deps.approver, summary: pending.summary, question },
  });
  const description = {
    resource: pending.executionId,
    region: callbacks.region,
    details: { reason: answer.reason },
  };
  if (answer.approve) {
    await auditedAction(scope, { action: "states:SendTaskSuccess", ...description }, () =>
      callbacks.succeed(pending.taskToken, {
        approved: true,
        approver: deps.approver,
        reason: answer.reason,
      }),
    );
  } else {
    await auditedAction(scope, { action: "states:SendTaskFailure", ...description }, () =>
      callbacks.fail(pending.taskToken, APPROVAL_REJECTED, `rejected by ${deps.approver}: ${answer.reason}`),
    );
  }
  return { ...pending, question, decision };
}
