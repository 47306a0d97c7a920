import { type ScalingProgress, scaleNodegroups } from "../../core/failover/scale-nodegroups.js";
import type { DepsSource, TaskDeps } from "./task-deps.js";
import { taskHandler } from "./task-handler.js";
import { awsPorts } from "./task-ports.js";

/**
 * Both scaling steps in one shape: which region (the one being activated, or the one being left),
 * which size, and where the state machine keeps the step's earlier result.
 */
export function scalingStep(
  name: string,
  deps: DepsSource<TaskDeps>,
  target: {
    region: "targetRegion" | "sourceRegion";
    size: "active" | "standby";
    progressKey: "scaling" | "standbyScaling";
  },
) {
  return taskHandler(name, deps, (context, event, resolved) =>
    scaleNodegroups(
      context,
      { compute: awsPorts(resolved).compute, kubernetes: resolved.kubernetes },
      { region: context.request[target.region], size: target.size },
      event[target.progressKey] as ScalingProgress | undefined,
    ),
  );
}
