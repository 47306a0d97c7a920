import { auditTrail, call } from "../core/workflow/step-calls.js";
import { createScaleEcsServiceHandler } from "../functions/scale-ecs-service.js";
import { allow, type GrantScope, type PolicyStatement } from "../infra/grants.js";
import { partitionOf } from "../infra/names.js";
import { pollingStates } from "./polling-states.js";
import type { StepKind } from "./step-kind.js";

/**
 * An ECS service: desiredCount raised in the region being activated until that many tasks are RUNNING;
 * on failback the region left goes back to its standby count last.
 *
 * DescribeServices and UpdateService authorise on the service (Service Authorization Reference, "Actions,
 * resources, and condition keys for Amazon Elastic Container Service": service resource type,
 * arn:aws:ecs:region:account:service/cluster/service).
 */
export const ecsServiceStep: StepKind<"ecs-service"> = {
  kind: "ecs-service",
  role: "capacity",
  releasesOnFailback: true,
  functions: [
    {
      key: "scaleEcsService",
      handler: "functions/scale-ecs-service.handler",
      create: createScaleEcsServiceHandler,
      access: ["audit.append"],
      statements: ecsServiceStatements,
      description: "Scales an ECS service block in the region being activated or left",
    },
  ],
  states: (context) =>
    pollingStates(context, context.phase === "activate" ? "Scale up" : "Scale down", "scaleEcsService"),
  seed(block, plan, { models, account }) {
    for (const [region, cluster] of Object.entries(block.clusters)) {
      const count = region === plan.activeRegion ? block.activeCount : block.standbyCount;
      models.ecs.addService(region, cluster, block.service, {
        desired: count,
        running: count,
        accountId: account,
      });
    }
  },
  calls: ({ phase, source, target }) => {
    const region = phase === "activate" ? target : source;
    return {
      calls: [
        call("ecs:DescribeServices", region, true, "desired and RUNNING tasks"),
        call("ecs:UpdateService", region, true, "desiredCount, once"),
        ...auditTrail(target),
      ],
    };
  },
  describe: (block) =>
    `scale ECS service ${block.service} to ${block.activeCount} running tasks (standby ${block.standbyCount})`,
  modelledSeconds: (_block, latencies) => latencies.ecsTaskRunning / 1000,
};

/** Also the escalation's: it puts the capacity a run raised back to standby (core/recovery/undo-capacity.ts). */
export function ecsServiceStatements({ account, plans }: GrantScope): PolicyStatement[] {
  const services = plans.flatMap((plan) =>
    plan.recovery.blocks.flatMap((block) =>
      block.kind === "ecs-service"
        ? Object.entries(block.clusters).map(
            ([region, cluster]) =>
              `arn:${partitionOf(region)}:ecs:${region}:${account}:service/${cluster}/${block.service}`,
          )
        : [],
    ),
  );
  if (services.length === 0) return [];
  return [
    allow("ScalePlanEcsServices", ["ecs:DescribeServices", "ecs:UpdateService"], [...new Set(services)]),
  ];
}
