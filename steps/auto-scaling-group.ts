import { auditTrail, call } from "../core/workflow/step-calls.js";
import { createScaleAutoScalingGroupHandler } from "../functions/scale-auto-scaling-group.js";
import { allow, type GrantScope, type PolicyStatement } from "../infra/grants.js";
import { partitionOf } from "../infra/names.js";
import { pollingStates } from "./polling-states.js";
import type { StepKind } from "./step-kind.js";

/**
 * An EC2 Auto Scaling group: MinSize and DesiredCapacity raised in the region being activated until that
 * many instances are InService; on failback the region left goes back to standby capacity last.
 *
 * UpdateAutoScalingGroup authorises on the group (Service Authorization Reference, "Actions, resources,
 * and condition keys for Amazon EC2 Auto Scaling": autoScalingGroup resource type); the group's ARN holds
 * a generated ID, so it is named by `autoscaling:ResourceTag`-free ARN pattern with the name. Describe
 * calls have no resource-level permissions and are bounded to the plans' regions.
 */
export const autoScalingGroupStep: StepKind<"auto-scaling-group"> = {
  kind: "auto-scaling-group",
  role: "capacity",
  releasesOnFailback: true,
  functions: [
    {
      key: "scaleAutoScalingGroup",
      handler: "functions/scale-auto-scaling-group.handler",
      create: createScaleAutoScalingGroupHandler,
      access: ["audit.append"],
      statements: autoScalingGroupStatements,
      description: "Scales an Auto Scaling group block in the region being activated or left",
    },
  ],
  states: (context) =>
    pollingStates(context, context.phase === "activate" ? "Scale up" : "Scale down", "scaleAutoScalingGroup"),
  seed(block, plan, { models, account }) {
    for (const [region, name] of Object.entries(block.groups)) {
      const size = region === plan.activeRegion ? block.activeCapacity : block.standbyCapacity;
      // The group's maximum must allow the active capacity, or AWS refuses the scale-up (readiness says so).
      models.autoscaling.addGroup(region, name, {
        min: size,
        max: block.activeCapacity,
        desired: size,
        inService: size,
        accountId: account,
      });
    }
  },
  calls: ({ phase, source, target }) => {
    const region = phase === "activate" ? target : source;
    return {
      calls: [
        call(
          "autoscaling:DescribeAutoScalingGroups",
          region,
          true,
          "the group's sizes and InService instances",
        ),
        call("autoscaling:UpdateAutoScalingGroup", region, true, "MinSize and DesiredCapacity, once"),
        ...auditTrail(target),
      ],
    };
  },
  describe: (block) =>
    `scale Auto Scaling group ${Object.values(block.groups).join(" / ")} to ${block.activeCapacity} InService (standby ${block.standbyCapacity})`,
  modelledSeconds: (_block, latencies) => latencies.asgInstanceInService / 1000,
};

/** Also the escalation's: it puts the capacity a run raised back to standby (core/recovery/undo-capacity.ts). */
export function autoScalingGroupStatements({ account, plans }: GrantScope): PolicyStatement[] {
  const groups = plans.flatMap((plan) =>
    plan.recovery.blocks.flatMap((block) =>
      block.kind === "auto-scaling-group"
        ? Object.entries(block.groups).map(
            ([region, name]) =>
              `arn:${partitionOf(region)}:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${name}`,
          )
        : [],
    ),
  );
  const regions = [...new Set(plans.flatMap((plan) => plan.regions))];
  if (groups.length === 0) return [];
  return [
    allow("DescribePlanAutoScalingGroups", ["autoscaling:DescribeAutoScalingGroups"], ["*"], {
      StringEquals: { "aws:RequestedRegion": regions },
    }),
    allow("ScalePlanAutoScalingGroups", ["autoscaling:UpdateAutoScalingGroup"], [...new Set(groups)]),
  ];
}
