import { LambdaInvoker } from "../adapters/aws/lambda-invoker.js";
import { type CustomStepProgress, runCustomStep } from "../core/recovery/run-custom-step.js";
import { blockTaskHandler } from "./runtime/block-task.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type StepDeps } from "./runtime/task-deps.js";

export const createRunCustomStepHandler = (deps: DepsSource<StepDeps>) =>
  blockTaskHandler("run-custom-step", "lambda", deps, (context, previous, resolved) =>
    runCustomStep(context, new LambdaInvoker(resolved.clients), previous as CustomStepProgress | undefined),
  );

export const handler = createRunCustomStepHandler(memoize(productionStepDeps));
