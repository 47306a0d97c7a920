import { auditedAction } from "../audit/audited-action.js";
import type { BlockOf } from "../blocks/block-schemas.js";
import { blocksOfKind } from "../blocks/plan-blocks.js";
import type { AutoScalingPort } from "../ports/auto-scaling.js";
import type { EcsServicesPort } from "../ports/ecs-services.js";
import type { StepContext } from "../workflow/step-context.js";

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
  for (const block of blocksOfKind(context.plan.recovery.blocks, "auto-scaling-group")) {
    done.push(...(await undoGroup(context, ports.autoScaling, block, region)));
  }
  for (const block of blocksOfKind(context.plan.recovery.blocks, "ecs-service")) {
    done.push(...(await undoService(context, ports.ecs, block, region)));
  }
  return done;
}

async function undoGroup(
  context: StepContext,
  autoScaling: AutoScalingPort,
  block: BlockOf<"auto-scaling-group">,
  region: string,
): Promise<string[]> {
  const name = block.groups[region] ?? "";
  const group = await autoScaling.group(region, name).catch(() => undefined);
  if (group === undefined) return [`${name} in ${region} left as it is (could not be read)`];
  if (group.desiredCapacity !== block.activeCapacity) return [];
  await auditedAction(
    context,
    {
      action: "autoscaling:UpdateAutoScalingGroup",
      resource: name,
      region,
      before: { requested: group.desiredCapacity },
      after: { requested: block.standbyCapacity },
      details: { block: block.id, compensation: true },
    },
    () =>
      autoScaling.setCapacity(region, name, {
        minSize: block.standbyCapacity,
        desiredCapacity: block.standbyCapacity,
      }),
  );
  return [`${name} in ${region} back to ${block.standbyCapacity}`];
}

async function undoService(
  context: StepContext,
  ecs: EcsServicesPort,
  block: BlockOf<"ecs-service">,
  region: string,
): Promise<string[]> {
  const cluster = block.clusters[region] ?? "";
  const resource = `${cluster}/${block.service}`;
  const service = await ecs.service(region, cluster, block.service).catch(() => undefined);
  if (service === undefined) return [`${resource} in ${region} left as it is (could not be read)`];
  if (service.desiredCount !== block.activeCount) return [];
  await auditedAction(
    context,
    {
      action: "ecs:UpdateService",
      resource,
      region,
      before: { requested: service.desiredCount },
      after: { requested: block.standbyCount },
      details: { block: block.id, compensation: true },
    },
    () => ecs.setDesiredCount(region, cluster, block.service, block.standbyCount),
  );
  return [`${resource} in ${region} back to ${block.standbyCount}`];
}
