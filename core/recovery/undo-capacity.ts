import type { Block } from "../blocks/block-schemas.js";
import { blocksOfKind } from "../blocks/plan-blocks.js";
import type { AutoScalingPort } from "../ports/auto-scaling.js";
import type { EcsServicesPort } from "../ports/ecs-services.js";
import type { StepContext } from "../workflow/step-context.js";
import { autoScalingGroupUnit } from "./scale-auto-scaling-group.js";
import { type CapacityUnit, setAudited } from "./scale-capacity.js";
import { ecsServiceUnit } from "./scale-ecs-service.js";

export interface BlockCapacityPorts {
  autoScaling: AutoScalingPort;
  ecs: EcsServicesPort;
}

/**
 * An escalation's undo for the Auto Scaling group and ECS service blocks, as for EKS (restoreStandby):
 * in a region that did not become the writer, capacity the run raised goes back to standby, and only
 * where it still holds what the run set; a size an autoscaler or a person chose since stays theirs. Each
 * change is audited as compensation; a block that cannot be read is left and named.
 */
export async function undoBlockCapacity(context: StepContext, ports: BlockCapacityPorts): Promise<string[]> {
  const region = context.request.targetRegion;
  const done: string[] = [];
  for (const { id, unit, active, standby } of capacityBlockUnits(
    context.plan.recovery.blocks,
    region,
    ports,
  )) {
    done.push(...(await undoUnit(context, id, unit, { active, standby }, region)));
  }
  return done;
}

/** Each Auto Scaling group and ECS service block of a plan as one unit in `region`, with its two counts. */
export function capacityBlockUnits(
  blocks: readonly Block[],
  region: string,
  ports: BlockCapacityPorts,
): Array<{ id: string; unit: CapacityUnit; active: number; standby: number }> {
  return [
    ...blocksOfKind(blocks, "auto-scaling-group").map((block) => ({
      id: block.id,
      unit: autoScalingGroupUnit(block, region, ports.autoScaling),
      active: block.activeCapacity,
      standby: block.standbyCapacity,
    })),
    ...blocksOfKind(blocks, "ecs-service").map((block) => ({
      id: block.id,
      unit: ecsServiceUnit(block, region, ports.ecs),
      active: block.activeCount,
      standby: block.standbyCount,
    })),
  ];
}

async function undoUnit(
  context: StepContext,
  block: string,
  unit: CapacityUnit,
  counts: { active: number; standby: number },
  region: string,
): Promise<string[]> {
  const current = await unit.read().catch(() => null);
  if (current === null) return [`${unit.resource} in ${region} left as it is (could not be read)`];
  if (current === undefined || current.requested !== counts.active) return [];
  await setAudited(
    context,
    unit,
    region,
    { from: current.requested, to: counts.standby },
    {
      block,
      compensation: true,
    },
  );
  return [`${unit.resource} in ${region} back to ${counts.standby}`];
}
