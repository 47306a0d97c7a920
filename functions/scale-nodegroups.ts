import { type ScalingProgress, scaleNodegroups } from "../core/failover/scale-nodegroups.js";
import { productionTaskDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";
import { awsPorts } from "./runtime/task-ports.js";

/** Scales the region being activated up to its active sizes. */
export const createScaleNodegroupsHandler = (deps: DepsSource<TaskDeps>) =>
  taskHandler("scale-nodegroups", deps, (context, event, resolved) =>
    scaleNodegroups(
      context,
      awsPorts(resolved).compute,
      { region: context.request.targetRegion, size: "active" },
      event.scaling as ScalingProgress | undefined,
    ),
  );

export const handler = createScaleNodegroupsHandler(memoize(productionTaskDeps));
