import { z } from "zod";
import { PlanNotFoundError } from "../../core/plan/plan-errors.js";
import type { StepContext } from "../../core/workflow/step-context.js";
import { InvalidWorkflowInput } from "../../core/workflow/workflow-errors.js";
import { executionInfoSchema, workflowRequestSchema } from "../../core/workflow/workflow-request.js";
import type { StepDeps } from "./task-deps.js";

/**
 * A step's earlier result handed back by the state machine; each step owns the rest of its shape. "ask":
 * the promotion waits for a person's answer on losing data (stepfunctions/failover-definition.ts).
 */
const progress = z.looseObject({ status: z.enum(["pending", "done", "ask"]) });

/** A caught error as Step Functions places it. */
const failureSchema = z.looseObject({ Error: z.string(), Cause: z.string().optional() });

/** The state every Task receives: the request, the execution facts, and what earlier steps returned. */
export const taskEventSchema = z.looseObject({
  request: workflowRequestSchema,
  execution: executionInfoSchema,
  precheck: z.looseObject({ ok: z.boolean(), reason: z.string().optional() }).optional(),
  promotion: progress.optional(),
  scaling: progress.optional(),
  traffic: progress.optional(),
  verification: progress.optional(),
  recovery: z.looseObject({ promotion: progress.optional(), scaling: progress.optional() }).optional(),
  failure: failureSchema.optional(),
  /** The early scale-up's result, for a plan with triggers.prepareDuringHold (core/failover/prepare-capacity.ts). */
  preparation: z.looseObject({ prepared: z.array(z.string()).optional() }).optional(),
  /** The early scale-up failed part way: what it raised before failing is unknown, so it is undone too. */
  preparationFailure: failureSchema.optional(),
  /** The hold's verdict; a flap's reason and readings are what "Undo preparation" closes the run with. */
  signal: z
    .looseObject({
      reason: z.string().optional(),
      readings: z.array(z.looseObject({ statement: z.string() })).optional(),
    })
    .optional(),
  /** "Undo preparation"'s own progress across its polls. */
  undo: progress.optional(),
  /** Why a failover waiting for approval did not get it: rejected, or no answer in time. */
  approvalFailure: failureSchema.optional(),
  /** Given only to the approval step: which question the workflow pauses on (absent: "failover"). */
  question: z.enum(["failover", "data-loss", "block"]).optional(),
  /** Results of the plan's blocks so far, by result key (stepfunctions/recovery-graph.ts). */
  blocks: z.record(z.string(), z.looseObject({})).optional(),
  /** Given to a block's step: which block of the plan it runs, and on which side. */
  block: z.string().optional(),
  phase: z.enum(["activate", "release"]).optional(),
  /** Given only to the step a workflow pauses on, to resume it later (`$$.Task.Token`). */
  taskToken: z.string().min(1).optional(),
});

export type TaskEvent = z.infer<typeof taskEventSchema>;

/** Validates the Task input and resolves its plan; bad input fails the step with a clear, named error. */
export function stepContextFrom(
  event: unknown,
  deps: Pick<StepDeps, "plans" | "clock" | "audit" | "actor">,
): { context: StepContext; event: TaskEvent } {
  const parsed = taskEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new InvalidWorkflowInput(
      `the step's input is not a kirikae workflow state: ${z.prettifyError(parsed.error)}`,
      {
        action: "start workflows through the detector, the CLI, or the documented console input",
      },
    );
  }
  const { request } = parsed.data;
  const plan = deps.plans.get(request.plan);
  if (!plan) throw new PlanNotFoundError(request.plan);
  const { sourceRegion, targetRegion } = request;
  if (
    sourceRegion === targetRegion ||
    !plan.regions.includes(sourceRegion) ||
    !plan.regions.includes(targetRegion)
  ) {
    throw new InvalidWorkflowInput(
      `sourceRegion ${sourceRegion} and targetRegion ${targetRegion} must be the two regions of plan "${plan.name}" (${plan.regions.join(", ")})`,
      { action: "start the workflow again with the plan's regions" },
    );
  }
  return {
    event: parsed.data,
    context: {
      plan,
      request: parsed.data.request,
      execution: parsed.data.execution,
      clock: deps.clock,
      audit: deps.audit,
      actor: deps.actor,
    },
  };
}
