import { recordDecision } from "../audit/audited-action.js";
import type { DataLossQuestion } from "../failover/promote-database.js";
import type { PlanStatePort } from "../ports/plan-state.js";
import type { NotifierPort } from "../ports/workflows.js";
import { rollbackDeadline, type StepContext } from "../workflow/step-context.js";

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
  await keepAndPage(context, deps, {
    question: "failover",
    taskToken,
    requestedAt: now,
    expiresAt,
    summary,
    subject: `kirikae: ${plan.name} ${request.kind} waits for approval`,
    body:
      `${summary}. Nothing has changed yet. Approve with \`npx kirikae approve --plan ${plan.name} --reason "..."\`, ` +
      `or reject with \`--reject\`, before ${expiresAt}; after that the ${request.kind} is abandoned.`,
  });
}

/**
 * The promotion step found that a failover now may lose more than the RPO allows (or an unknown amount)
 * under `dataLoss: "approval-above-rpo"`, and the workflow pauses on the question:
 *   1. audit the question with its stakes: the lag read (or unknown), the RPO, the evidence, the deadline
 *   2. keep the task token with the plan's state, where `kirikae approve` finds it by plan name
 *   3. tell the on-call engineer what a yes loses and what a no means
 * Nothing has been promoted and DNS is untouched. The wait ends at the plan's rollback trigger at the
 * latest; a rejection or no answer escalates.
 */
export async function requestDataLossApproval(
  context: StepContext,
  deps: ApprovalRequestDeps,
  taskToken: string,
  question: DataLossQuestion,
): Promise<void> {
  const { plan, request } = context;
  const now = context.clock.now();
  const waitEnds = now.getTime() + question.timeoutSeconds * 1000;
  const expiresAt = new Date(Math.min(waitEnds, rollbackDeadline(context).getTime())).toISOString();
  const loss =
    question.lagSeconds === null
      ? `an unknown amount of writes (${question.lagMetric} has no datapoint)`
      : `about ${question.lagSeconds.toFixed(1)} s of writes (${question.lagMetric})`;
  const summary =
    `failover of ${plan.name} from ${request.sourceRegion} to ${request.targetRegion} with data loss: ` +
    `${question.why}. Failing over now loses ${loss}; the plan's RPO is ${question.rpoSeconds} s. ` +
    `Evidence on the old primary (${question.verdict}): ${question.evidence.join("; ")}`;
  await recordDecision(context, {
    action: "database.data-loss-approval-requested",
    resource: plan.name,
    outcome: "pending",
    details: {
      summary,
      expiresAt,
      lagSeconds: question.lagSeconds,
      lagMetric: question.lagMetric,
      rpoSeconds: question.rpoSeconds,
      verdict: question.verdict,
      evidence: question.evidence,
    },
  });
  await keepAndPage(context, deps, {
    question: "data-loss",
    taskToken,
    requestedAt: now,
    expiresAt,
    summary,
    subject: `kirikae: ${plan.name} failover asks to accept data loss`,
    body:
      `${summary}. Nothing has been promoted and DNS is untouched. To fail over losing those writes: ` +
      `\`npx kirikae approve --plan ${plan.name} --reason "..."\`; to refuse: add \`--reject\` (the failover ` +
      `escalates, nothing promoted). Answer before ${expiresAt} (the plan's rollback trigger); after that it escalates.`,
  });
}

/** Keeps the task token where `kirikae approve` finds it by plan name, then pages the on-call engineer. */
/**
 * An approval block (a plan's own "ask a person here"): the run has done the blocks before it and waits
 * for a person before the ones after it. Kept and answered like the failover's own approval.
 */
export async function requestBlockApproval(
  context: StepContext,
  deps: ApprovalRequestDeps,
  taskToken: string,
  ask: { block: string; question: string; timeoutSeconds: number },
): Promise<void> {
  const { plan, request } = context;
  const now = context.clock.now();
  const expiresAt = new Date(now.getTime() + ask.timeoutSeconds * 1000).toISOString();
  const summary = `${request.kind} of ${plan.name} to ${request.targetRegion}, step "${ask.block}": ${ask.question}`;
  await recordDecision(context, {
    action: `${request.kind}.approval-requested`,
    resource: plan.name,
    outcome: "pending",
    details: { summary, expiresAt, block: ask.block },
  });
  await keepAndPage(context, deps, {
    question: "failover",
    taskToken,
    requestedAt: now,
    expiresAt,
    summary,
    subject: `kirikae: ${plan.name} ${request.kind} waits for approval at step ${ask.block}`,
    body:
      `${summary}. The steps before it are done. Approve with \`npx kirikae approve --plan ${plan.name} --reason "..."\`, ` +
      `or reject with \`--reject\`, before ${expiresAt}; after that the ${request.kind} escalates.`,
  });
}

async function keepAndPage(
  context: StepContext,
  deps: ApprovalRequestDeps,
  ask: {
    question: "failover" | "data-loss";
    taskToken: string;
    requestedAt: Date;
    expiresAt: string;
    summary: string;
    subject: string;
    body: string;
  },
): Promise<void> {
  const { plan } = context;
  await deps.state.awaitApproval(plan.name, {
    question: ask.question,
    executionId: context.execution.id,
    taskToken: ask.taskToken,
    requestedAt: ask.requestedAt.toISOString(),
    expiresAt: ask.expiresAt,
    summary: ask.summary,
  });
  await deps.notifier.notify(ask.subject, ask.body, {
    plan: plan.name,
    execution: context.execution.id,
    expiresAt: ask.expiresAt,
  });
}
