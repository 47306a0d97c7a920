import { productionTaskDeps } from "./runtime/production-deps.js";
import { scalingStep } from "./runtime/scaling-step.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";

/** Scales the region being activated up to its active sizes. */
export const createScaleNodegroupsHandler = (deps: DepsSource<TaskDeps>) =>
  scalingStep("scale-nodegroups", deps, { region: "targetRegion", size: "active", progressKey: "scaling" });

export const handler = createScaleNodegroupsHandler(memoize(productionTaskDeps));
