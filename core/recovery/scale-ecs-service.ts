import type { BlockOf } from "../blocks/block-schemas.js";
import type { EcsServicesPort } from "../ports/ecs-services.js";
import { type BlockStepContext, phaseRegion } from "./block-step.js";
import { type CapacityProgress, type CapacityUnit, scaleCapacity } from "./scale-capacity.js";

/**
 * An ECS service block: desiredCount set to the block's active count in the region being activated
 * (standby in the region a failback leaves); capacity counts only RUNNING tasks, which behind a load
 * balancer ECS reports once they are registered.
 */
export function scaleEcsService(
  context: BlockStepContext<BlockOf<"ecs-service">>,
  ecs: EcsServicesPort,
  previous: CapacityProgress | undefined,
): Promise<CapacityProgress> {
  const { block } = context;
  const wanted = context.phase === "activate" ? block.activeCount : block.standbyCount;
  return scaleCapacity(context, { ...ecsServiceUnit(block, phaseRegion(context), ecs), wanted }, previous);
}

/** The block's service in one region, as the scale step and the escalation's undo read and set it. */
export function ecsServiceUnit(
  block: BlockOf<"ecs-service">,
  region: string,
  ecs: EcsServicesPort,
): CapacityUnit {
  const cluster = block.clusters[region] ?? "";
  return {
    action: "ecs:UpdateService",
    resource: `${cluster}/${block.service}`,
    read: async () => {
      const service = await ecs.service(region, cluster, block.service);
      return service && { requested: service.desiredCount, ready: service.runningCount };
    },
    set: (count) => ecs.setDesiredCount(region, cluster, block.service, count),
  };
}
