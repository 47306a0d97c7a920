import { auditedAction } from "../audit/audited-action.js";
import { blocksOfKind } from "../blocks/plan-blocks.js";
import type { AutoScalingPort } from "../ports/auto-scaling.js";
import type { EcsServicesPort } from "../ports/ecs-services.js";
import type { StepContext } from "../workflow/step-context.js";
import { autoScalingGroupUnit } from "./scale-auto-scaling-group.js";
import type { CapacityUnit } from "./scale-capacity.js";
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
  const { blocks } = context.plan.recovery;
  const raised = [
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
  const done: string[] = [];
  for (const { id, unit, active, standby } of raised) {
    done.push(...(await undoUnit(context, id, unit, { active, standby }, region)));
  }
  return done;
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
  await auditedAction(
    context,
    {
      action: unit.action,
      resource: unit.resource,
      region,
      before: { requested: current.requested },
      after: { requested: counts.standby },
      details: { block, compensation: true },
    },
    () => unit.set(counts.standby),
  );
  return [`${unit.resource} in ${region} back to ${counts.standby}`];
}
