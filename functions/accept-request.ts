import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { z } from "zod";
import { acceptRequest } from "../core/workflow/accept-request.js";
import { InvalidWorkflowInput } from "../core/workflow/workflow-errors.js";
import { executionInfoSchema, type WorkflowRequest } from "../core/workflow/workflow-request.js";
import { logger } from "./runtime/logger.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type StepDeps } from "./runtime/task-deps.js";

/** The state the first step sees: the raw input as `request`, the execution, and the workflow's kind. */
const acceptEventSchema = z.looseObject({
  request: z.unknown(),
  execution: executionInfoSchema,
  kind: z.enum(["failover", "failback"]),
  machinePlan: z.string().optional(),
});

/**
 * Accepts or refuses a workflow's input (console, CLI or detector). Its result replaces the raw input
 * as `$.request`, so every later step works from a validated request.
 */
export const createAcceptRequestHandler = (deps: DepsSource<StepDeps>) =>
  middy<unknown, WorkflowRequest>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const parsed = acceptEventSchema.safeParse(event);
      if (!parsed.success) {
        throw new InvalidWorkflowInput(`not a kirikae workflow state: ${z.prettifyError(parsed.error)}`);
      }
      const { request, execution, kind, machinePlan } = parsed.data;
      return acceptRequest(await deps(), kind, request, execution, machinePlan);
    });

export const handler = createAcceptRequestHandler(memoize(productionStepDeps));
