import { recordDecision } from "../audit/audited-action.js";
import type { PlanStatePort } from "../ports/plan-state.js";
import type { NotifierPort } from "../ports/workflows.js";
import type { StepContext } from "../workflow/step-context.js";

export interface ApprovalRequestDeps {
  state: PlanStatePort;
  notifier: NotifierPort;
}

export interface PrecheckSummary {
  ok: boolean;
  reason?: string | undefined;
}

/**
 * The failover has passed its pre-checks and now waits for a person (the plan is in approval mode):
 *   1. audit that it waits, and on what
 *   2. keep the task token with the plan's state, where `kirikae approve` finds it by plan name
 *   3. tell the on-call engineer what to judge and how to answer
 * Nothing in AWS has changed yet; if no one answers before the timeout, the workflow aborts.
 */
export async function requestApproval(
  context: StepContext,
  deps: ApprovalRequestDeps,
  taskToken: string,
  precheck: PrecheckSummary | undefined,
): Promise<void> {
  const { plan, request } = context;
  const now = context.clock.now();
  const timeoutSeconds = request.approval?.timeoutSeconds ?? plan.timeouts.rollbackAfterMinutes * 60;
  const expiresAt = new Date(now.getTime() + timeoutSeconds * 1000).toISOString();
  const signal =
    request.trigger.type === "alarm"
      ? `alarm ${request.trigger.alarmName} (${request.trigger.alarmRegion}) held since ${request.trigger.detectedAt}`
      : `started by hand: ${request.trigger.reason}`;
  const summary = `${request.kind} of ${plan.name} from ${request.sourceRegion} to ${request.targetRegion}: ${signal}; pre-checks ${precheck?.ok ? "passed" : "not run"}`;
  await recordDecision(context, {
    action: `${request.kind}.approval-requested`,
    resource: plan.name,
    outcome: "pending",
    details: { summary, expiresAt },
  });
  await deps.state.awaitApproval(plan.name, {
    executionId: context.execution.id,
    taskToken,
    requestedAt: now.toISOString(),
    expiresAt,
    summary,
  });
  await deps.notifier.notify(
    `kirikae: ${plan.name} ${request.kind} waits for approval`,
    `${summary}. Nothing has changed yet. Approve with \`npx kirikae approve --plan ${plan.name} --reason "..."\`, ` +
      `or reject with \`--reject\`, before ${expiresAt}; after that the ${request.kind} is abandoned.`,
    { plan: plan.name, execution: context.execution.id, expiresAt },
  );
}
