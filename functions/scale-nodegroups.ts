import { type ScalingProgress, scaleNodegroups } from "../core/failover/scale-nodegroups.js";
import { productionTaskDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";
import { awsPorts } from "./runtime/task-ports.js";

/**
 * Scales the region being activated up to its active sizes; failback also uses it with
 * `scaleDown: true` in the state to bring the region being left down to standby sizes, last.
 */
export const createScaleNodegroupsHandler = (deps: DepsSource<TaskDeps>) =>
  taskHandler("scale-nodegroups", deps, (context, event, resolved) => {
    const scaleDown = event.scaleDown === true;
    const region = scaleDown ? context.request.sourceRegion : context.request.targetRegion;
    return scaleNodegroups(
      context,
      awsPorts(resolved).compute,
      { region, size: scaleDown ? "standby" : "active" },
      event.scaling as ScalingProgress | undefined,
    );
  });

export const handler = createScaleNodegroupsHandler(memoize(productionTaskDeps));
