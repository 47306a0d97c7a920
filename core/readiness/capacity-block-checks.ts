import { blocksOfKind } from "../blocks/plan-blocks.js";
import type { Plan } from "../plan/schema.js";
import type { AutoScalingPort } from "../ports/auto-scaling.js";
import type { EcsServicesPort } from "../ports/ecs-services.js";
import { type CheckSpec, gap, pass } from "./check-spec.js";

/**
 * The plan's Auto Scaling group blocks: the group exists in each region, and its MaxSize lets it reach
 * the block's active capacity, since UpdateAutoScalingGroup refuses a desired capacity above the maximum
 * (the scale step's rule, checked before an incident rather than during one).
 */
export function autoScalingChecks(plan: Plan, autoScaling: AutoScalingPort) {
  return (region: string): CheckSpec[] =>
    blocksOfKind(plan.recovery.blocks, "auto-scaling-group").flatMap((block) => {
      const name = block.groups[region];
      if (name === undefined) return [];
      return [
        {
          check: "capacity.auto-scaling-group",
          resource: name,
          region,
          expected: `max ≥ ${block.activeCapacity} (block ${block.id}'s active capacity)`,
          run: async () => {
            const group = await autoScaling.group(region, name);
            if (group === undefined) {
              return gap(
                "missing",
                `create the Auto Scaling group ${name} in ${region}, or correct block ${block.id}`,
              );
            }
            return group.maxSize >= block.activeCapacity
              ? pass(`max ${group.maxSize}, desired ${group.desiredCapacity}, ${group.inService} InService`)
              : gap(
                  `max ${group.maxSize}`,
                  `raise the group's MaxSize to at least ${block.activeCapacity}, or the failover's scale-up is refused`,
                );
          },
        },
      ];
    });
}

/** The plan's ECS service blocks: the service exists in each region's cluster and is ACTIVE. */
export function ecsServiceChecks(plan: Plan, ecs: EcsServicesPort) {
  return (region: string): CheckSpec[] =>
    blocksOfKind(plan.recovery.blocks, "ecs-service").flatMap((block) => {
      const cluster = block.clusters[region];
      if (cluster === undefined) return [];
      return [
        {
          check: "capacity.ecs-service",
          resource: `${cluster}/${block.service}`,
          region,
          expected: "ACTIVE",
          run: async () => {
            const service = await ecs.service(region, cluster, block.service);
            if (service === undefined) {
              return gap(
                "missing",
                `create the service ${block.service} in cluster ${cluster} (${region}), or correct block ${block.id}`,
              );
            }
            return service.status === "ACTIVE"
              ? pass(`ACTIVE, ${service.runningCount} of ${service.desiredCount} running`)
              : gap(
                  service.status,
                  `ECS reports the service ${service.status}: only an ACTIVE service can scale`,
                );
          },
        },
      ];
    });
}
