import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { StepContext } from "../../core/workflow/step-context.js";
import { logger } from "./logger.js";
import type { DepsSource, TaskDeps } from "./task-deps.js";
import { stepContextFrom, type TaskEvent } from "./task-event.js";

export type TaskStep<R> = (context: StepContext, event: TaskEvent, deps: TaskDeps) => Promise<R>;

/**
 * The shape of every workflow step's Lambda: validate the state, run one domain function, return its
 * result for the state machine to place. Errors are thrown as they are: their `name` is what the state
 * machine's Retry and Catch match on.
 */
export function taskHandler<R>(stepName: string, deps: DepsSource<TaskDeps>, step: TaskStep<R>) {
  return middy<unknown, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const resolved = await deps();
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
