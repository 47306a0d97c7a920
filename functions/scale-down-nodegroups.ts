import { type ScalingProgress, scaleNodegroups } from "../core/failover/scale-nodegroups.js";
import { productionTaskDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";
import { awsPorts } from "./runtime/task-ports.js";

/** Failback's last step: the region traffic left goes back to its standby sizes. */
export const createScaleDownNodegroupsHandler = (deps: DepsSource<TaskDeps>) =>
  taskHandler("scale-down-nodegroups", deps, (context, event, resolved) =>
    scaleNodegroups(
      context,
      awsPorts(resolved).compute,
      { region: context.request.sourceRegion, size: "standby" },
      event.standbyScaling as ScalingProgress | undefined,
    ),
  );

export const handler = createScaleDownNodegroupsHandler(memoize(productionTaskDeps));
