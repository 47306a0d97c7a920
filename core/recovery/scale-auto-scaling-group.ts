import type { BlockOf } from "../blocks/block-schemas.js";
import type { AutoScalingPort } from "../ports/auto-scaling.js";
import { type BlockStepContext, phaseRegion } from "./block-step.js";
import { type CapacityProgress, type CapacityUnit, scaleCapacity } from "./scale-capacity.js";

/**
 * An Auto Scaling group block: the region being activated gets MinSize and DesiredCapacity at the
 * block's active capacity (MinSize too, so a scale-in policy cannot undo it mid-incident); the region a
 * failback leaves gets them at standby. Capacity counts only InService instances.
 */
export function scaleAutoScalingGroup(
  context: BlockStepContext<BlockOf<"auto-scaling-group">>,
  autoScaling: AutoScalingPort,
  previous: CapacityProgress | undefined,
): Promise<CapacityProgress> {
  const { block } = context;
  const wanted = context.phase === "activate" ? block.activeCapacity : block.standbyCapacity;
  return scaleCapacity(
    context,
    { ...autoScalingGroupUnit(block, phaseRegion(context), autoScaling), wanted },
    previous,
  );
}

/** The block's group in one region, as the scale step and the escalation's undo read and set it. */
export function autoScalingGroupUnit(
  block: BlockOf<"auto-scaling-group">,
  region: string,
  autoScaling: AutoScalingPort,
): CapacityUnit {
  const groupName = block.groups[region] ?? "";
  return {
    action: "autoscaling:UpdateAutoScalingGroup",
    resource: groupName,
    read: async () => {
      const group = await autoScaling.group(region, groupName);
      return group && { requested: group.desiredCapacity, ready: group.inService };
    },
    set: (count) => autoScaling.setCapacity(region, groupName, { minSize: count, desiredCapacity: count }),
  };
}
