import { AutoScalingGroups } from "../adapters/aws/auto-scaling-groups.js";
import { scaleAutoScalingGroup } from "../core/recovery/scale-auto-scaling-group.js";
import type { CapacityProgress } from "../core/recovery/scale-capacity.js";
import { blockTaskHandler } from "./runtime/block-task.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type StepDeps } from "./runtime/task-deps.js";

export const createScaleAutoScalingGroupHandler = (deps: DepsSource<StepDeps>) =>
  blockTaskHandler("scale-auto-scaling-group", "auto-scaling-group", deps, (context, previous, resolved) =>
    scaleAutoScalingGroup(
      context,
      new AutoScalingGroups(resolved.clients),
      previous as CapacityProgress | undefined,
    ),
  );

export const handler = createScaleAutoScalingGroupHandler(memoize(productionStepDeps));
