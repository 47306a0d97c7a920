import type { Clock } from "../clock.js";
import type { Plan } from "../plan/schema.js";
import type { AuditEntry, AuditPort } from "../ports/audit.js";
import type { ExecutionInfo, WorkflowRequest } from "./workflow-request.js";

/** Everything a workflow step knows about the run it is part of. */
export interface StepContext {
  plan: Plan;
  request: WorkflowRequest;
  execution: ExecutionInfo;
  clock: Clock;
  audit: AuditPort;
  /** The principal the step's AWS calls are made as, recorded as the actor of its actions. */
  actor: string;
}

/** What an audit record needs to know about who acts, in which run: a step, or a person at the CLI. */
export type AuditScope = Pick<StepContext, "clock" | "audit" | "actor"> & {
  plan: Pick<Plan, "name">;
  execution: Pick<ExecutionInfo, "id">;
};

export function auditBase(context: AuditScope): Pick<AuditEntry, "plan" | "executionId" | "actor" | "at"> {
  return {
    plan: context.plan.name,
    executionId: context.execution.id,
    actor: context.actor,
    at: context.clock.now().toISOString(),
  };
}

/** The moment past which a workflow stops and escalates rather than move traffic (the plan's rollback trigger). */
export function rollbackDeadline(context: StepContext): Date {
  return new Date(
    new Date(context.execution.startedAt).getTime() + context.plan.timeouts.rollbackAfterMinutes * 60_000,
  );
}
