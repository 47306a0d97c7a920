import { productionTaskDeps } from "./runtime/production-deps.js";
import { scalingStep } from "./runtime/scaling-step.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";

/** Scales an EKS block's nodegroups (and Deployments) in the region being activated up to active sizes. */
export const createScaleNodegroupsHandler = (deps: DepsSource<TaskDeps>) =>
  scalingStep("scale-nodegroups", deps);

export const handler = createScaleNodegroupsHandler(memoize(productionTaskDeps));
