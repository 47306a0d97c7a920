import { productionTaskDeps } from "./runtime/production-deps.js";
import { scalingStep } from "./runtime/scaling-step.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";

/** Failback's last step for an EKS block: the region traffic left goes back to its standby sizes. */
export const createScaleDownNodegroupsHandler = (deps: DepsSource<TaskDeps>) =>
  scalingStep("scale-down-nodegroups", deps);

export const handler = createScaleDownNodegroupsHandler(memoize(productionTaskDeps));
