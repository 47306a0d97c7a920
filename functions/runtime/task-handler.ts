import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { namingAuditGaps } from "../../core/workflow/audit-gap.js";
import type { StepContext } from "../../core/workflow/step-context.js";
import { logger } from "./logger.js";
import type { DepsSource, StepDeps } from "./task-deps.js";
import { stepContextFrom, type TaskEvent } from "./task-event.js";

export type TaskStep<R, D extends StepDeps> = (context: StepContext, event: TaskEvent, deps: D) => Promise<R>;

/**
 * The shape of every workflow step's Lambda: validate the state, run one domain function, return its
 * result for the state machine to place. Errors are thrown as they are: their `name` is what the state
 * machine's Retry and Catch match on. A failed audit append also names the step and the record it was
 * writing (core/workflow/audit-gap.ts), so the escalation that catches it can record the gap.
 */
export function taskHandler<R, D extends StepDeps>(
  stepName: string,
  deps: DepsSource<D>,
  step: TaskStep<R, D>,
) {
  return middy<unknown, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const source = await deps();
      const resolved: D = { ...source, audit: namingAuditGaps(source.audit, stepName) };
      const { context, event: state } = stepContextFrom(event, resolved);
      logger.appendKeys({ plan: context.plan.name, execution: context.execution.id, step: stepName });
      try {
        return await step(context, state, resolved);
      } catch (error) {
        logger.error(`${stepName} failed`, error as Error);
        throw error;
      }
    });
}
