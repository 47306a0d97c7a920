import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type { Clock } from "../clock.js";
import type { PlanCatalog } from "../plan/plan-catalog.js";
import type { Plan } from "../plan/schema.js";
import type { AuditPort } from "../ports/audit.js";
import type { PlanStatePort, WorkflowKind } from "../ports/plan-state.js";
import { InvalidWorkflowInput } from "./workflow-errors.js";
import { type ExecutionInfo, type WorkflowRequest, workflowRequestSchema } from "./workflow-request.js";

/** What a person pastes into the console's "Start execution": the plan, why, and optionally a ticket. */
export const manualInputSchema = z.strictObject({
  plan: z.string().min(1, { message: "name the plan to act on" }),
  reason: z.string().trim().min(1, { message: "say why (it goes into the audit trail and the report)" }),
  ticket: z.string().min(1).optional(),
});

export interface AcceptDeps {
  plans: PlanCatalog;
  state: PlanStatePort;
  audit: AuditPort;
  clock: Clock;
  actor: string;
}

/** Lease beyond the rollback trigger, so a healthy run never loses its lock but a crashed one frees it. */
export const LOCK_LEASE_MARGIN_MINUTES = 15;

/**
 * The first step of every workflow: turn its input into a request, or refuse it having changed nothing.
 *   1. parse the input: the detector's full request, or a person's {plan, reason, ticket}
 *   2. the plan exists, an alarm trigger names one of its alarms and is the very request the detector
 *      recorded under this execution's name (invariant 6: nobody else can claim an alarm, or choose its
 *      `detectedAt`), and the request moves traffic away from where it is now
 *   3. take the plan's lock for this execution (the detector may already hold it under the same name)
 * A person's request is always {plan, reason, ticket}: its time is the acceptance time and its initiator
 * is read from STS (the CLI) or CloudTrail's StartExecution event, never from the input.
 * A refusal is audited with its reason and the input, then thrown so the execution fails at once. A
 * failure after the lock was taken (the audit table refusing the record) gives the lock back before it
 * is rethrown, so a plan is not held for a lease by a run that never started.
 */
export async function acceptRequest(
  deps: AcceptDeps,
  kind: WorkflowKind,
  input: unknown,
  execution: ExecutionInfo,
  /** The plan whose state machine runs this: each plan has its own, generated from its blocks. */
  machinePlan?: string,
): Promise<WorkflowRequest> {
  const now = deps.clock.now();
  const planName =
    typeof (input as { plan?: unknown } | null)?.plan === "string"
      ? String((input as { plan: string }).plan)
      : "-";
  try {
    const requested = await toRequest(deps, kind, input, now, execution.id);
    if (machinePlan !== undefined && requested.plan !== machinePlan) {
      throw new InvalidWorkflowInput(
        `this is the ${kind} state machine of plan "${machinePlan}", but the request is for plan "${requested.plan}"`,
        {
          action: `start kirikae-<stage>-${requested.plan}-${kind} instead: each plan's workflow is generated from its own blocks`,
        },
      );
    }
    const plan = deps.plans.get(requested.plan) as Plan;
    const request: WorkflowRequest = { ...requested, approval: approvalFor(plan, requested) };
    const holder = executionNameOf(execution.id);
    const leaseUntil = new Date(
      now.getTime() + (plan.timeouts.rollbackAfterMinutes + LOCK_LEASE_MARGIN_MINUTES) * 60_000,
    );
    const locked = await deps.state.acquireLock(
      plan.name,
      { holder, kind, acquiredAt: now.toISOString(), leaseUntil: leaseUntil.toISOString() },
      now.toISOString(),
    );
    if (!locked) {
      const current = (await deps.state.get(plan.name)).lock;
      throw new InvalidWorkflowInput(
        `another workflow (${current?.holder ?? "unknown"}) holds the lock of plan "${plan.name}"`,
        {
          action: "wait for it to finish (`kirikae status`), or investigate it before starting another",
        },
      );
    }
    try {
      await deps.audit.append({
        plan: plan.name,
        executionId: execution.id,
        kind: "execution",
        action: `${kind}.accepted`,
        actor:
          request.trigger.type === "alarm"
            ? `alarm:${request.trigger.alarmRegion}/${request.trigger.alarmName}`
            : deps.actor,
        at: now.toISOString(),
        resource: plan.name,
        outcome: "ok",
        details: { request, objectives: plan.objectives },
      });
    } catch (error) {
      // Step Functions' retry of this step takes the lock again under the same name; if it never
      // succeeds, nothing holds the plan until the lease ends. Best effort: the original error matters more.
      await deps.state.releaseLock(plan.name, holder, {}).catch(() => undefined);
      throw error;
    }
    return request;
  } catch (error) {
    if (!(error instanceof InvalidWorkflowInput)) throw error;
    await deps.audit.append({
      plan: deps.plans.get(planName) ? planName : "-",
      executionId: execution.id,
      kind: "decision",
      action: `${kind}.rejected`,
      actor: deps.actor,
      at: now.toISOString(),
      outcome: "ignored",
      error: { name: error.name, message: error.message },
      details: { input: truncate(JSON.stringify(input) ?? "undefined") },
    });
    throw error;
  }
}

async function toRequest(
  deps: AcceptDeps,
  kind: WorkflowKind,
  input: unknown,
  now: Date,
  executionId: string,
): Promise<WorkflowRequest> {
  const full = workflowRequestSchema.safeParse(input);
  if (full.success) {
    if (full.data.kind !== kind)
      throw new InvalidWorkflowInput(
        `this is the ${kind} workflow, but the request asks for a ${full.data.kind}`,
      );
    const plan = requirePlan(deps, full.data.plan);
    requireOwnAlarm(plan, kind, full.data.trigger);
    await requireDetectorRecord(deps, plan, full.data, executionId);
    await requireDirection(deps, plan, kind, full.data.sourceRegion, full.data.targetRegion);
    return full.data;
  }
  const manual = manualInputSchema.safeParse(input);
  if (!manual.success) {
    throw new InvalidWorkflowInput(`the input is not a ${kind} request: ${z.prettifyError(manual.error)}`, {
      action: 'start it with {"plan": "<name>", "reason": "<why>", "ticket": "<optional>"}',
    });
  }
  const plan = requirePlan(deps, manual.data.plan);
  const home = plan.activeRegion;
  const away = plan.regions.find((region) => region !== home) ?? home;
  const [sourceRegion, targetRegion] = kind === "failback" ? [away, home] : [home, away];
  await requireDirection(deps, plan, kind, sourceRegion, targetRegion);
  return {
    plan: plan.name,
    kind,
    sourceRegion,
    targetRegion,
    trigger: {
      type: "manual",
      reason: manual.data.reason,
      ...(manual.data.ticket ? { ticket: manual.data.ticket } : {}),
      detectedAt: now.toISOString(),
    },
  };
}

function requirePlan(deps: AcceptDeps, name: string): Plan {
  const plan = deps.plans.get(name);
  if (!plan) {
    throw new InvalidWorkflowInput(
      `no plan named "${name}" is deployed (deployed: ${deps.plans.names().join(", ") || "none"})`,
      {
        action: "use the `name` of a deployed plan file",
      },
    );
  }
  return plan;
}

/**
 * An alarm trigger is what the signal hold re-reads and what approval mode keys on, so an input may only
 * claim one of the plan's own trigger alarms, and only for a failover (invariant 6): the detector starts
 * nothing else.
 */
function requireOwnAlarm(plan: Plan, kind: WorkflowKind, trigger: WorkflowRequest["trigger"]): void {
  if (trigger.type !== "alarm") return;
  const named = plan.triggers.alarms.some(
    (alarm) => alarm.name === trigger.alarmName && alarm.region === trigger.alarmRegion,
  );
  if (kind !== "failover" || !named) {
    throw new InvalidWorkflowInput(
      kind === "failover"
        ? `alarm ${trigger.alarmName} in ${trigger.alarmRegion} is not one of plan "${plan.name}"'s trigger alarms`
        : `a ${kind} is started by hand, never by an alarm`,
      { action: 'start it by hand with {"plan": "<name>", "reason": "<why>"}' },
    );
  }
}

/**
 * Only the detector sends a full request, and only with an alarm trigger: it records that request under
 * the execution's name on the plan's state before it calls StartExecution. A full request is accepted
 * only when it is that record, in the region the detector started it in; a person's request by hand
 * (the console, the CLI) is {plan, reason, ticket}, so no input can choose a trigger time or an alarm.
 */
async function requireDetectorRecord(
  deps: AcceptDeps,
  plan: Plan,
  request: WorkflowRequest,
  executionId: string,
): Promise<void> {
  const byHand = {
    action: 'start it by hand with {"plan": "<name>", "reason": "<why>", "ticket": "<optional>"}',
  };
  if (request.trigger.type !== "alarm") {
    throw new InvalidWorkflowInput(
      "a request by hand names only the plan, a reason and a ticket: its time and initiator are recorded by kirikae",
      byHand,
    );
  }
  const executionName = executionNameOf(executionId);
  const recorded = await deps.state.detectorRequest(plan.name, executionName);
  if (!recorded) {
    throw new InvalidWorkflowInput(
      `the detector started no execution named ${executionName}: only the detector may start a failover with an alarm trigger`,
      byHand,
    );
  }
  const region = executionRegionOf(executionId);
  if (!isDeepStrictEqual(recorded.request, request) || (region !== undefined && region !== recorded.region)) {
    throw new InvalidWorkflowInput(
      `the input is not the request the detector started execution ${executionName} with (in ${recorded.region})`,
      byHand,
    );
  }
}

/** The region of an execution ARN (arn:aws:states:<region>:<account>:execution:<machine>:<name>). */
function executionRegionOf(executionId: string): string | undefined {
  const parts = executionId.split(":");
  return parts[0] === "arn" && parts[2] === "states" ? parts[3] : undefined;
}

/** Traffic must be where the request moves it from; a failback when the plan is home has nothing to do. */
async function requireDirection(
  deps: AcceptDeps,
  plan: Plan,
  kind: WorkflowKind,
  source: string,
  target: string,
) {
  if (source === target || !plan.regions.includes(source) || !plan.regions.includes(target)) {
    throw new InvalidWorkflowInput(
      `regions ${source} -> ${target} are not the two regions of plan "${plan.name}" (${plan.regions.join(", ")})`,
    );
  }
  const active = (await deps.state.get(plan.name)).activeRegion ?? plan.activeRegion;
  if (active !== source) {
    throw new InvalidWorkflowInput(
      kind === "failback"
        ? `plan "${plan.name}" is already home in ${active}: there is nothing to fail back`
        : `plan "${plan.name}" is active in ${active}, not ${source}: there is nothing to fail over from there`,
      { action: "check where the plan is active with `kirikae status`" },
    );
  }
}

/**
 * A person who starts a workflow by hand has made the decision already; an alarm-started failover of a
 * plan in approval mode waits for one, no longer than the plan's rollback trigger.
 */
function approvalFor(plan: Plan, request: WorkflowRequest): NonNullable<WorkflowRequest["approval"]> {
  return {
    required:
      request.kind === "failover" && request.trigger.type === "alarm" && plan.triggers.mode === "approval",
    timeoutSeconds: plan.timeouts.rollbackAfterMinutes * 60,
  };
}

/** The lock holder is the execution name, the last segment of the execution ARN. */
export function executionNameOf(executionId: string): string {
  return executionId.split(":").pop() ?? executionId;
}

function truncate(text: string, max = 2_000): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
