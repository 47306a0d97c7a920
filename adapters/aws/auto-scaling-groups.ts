import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import type { AutoScalingGroupState, AutoScalingPort } from "../../core/ports/auto-scaling.js";
import type { MutationReceipt } from "../../core/ports/global-database.js";
import { callAws, requestIdOf } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/**
 * EC2 Auto Scaling groups over DescribeAutoScalingGroups and UpdateAutoScalingGroup. Capacity is judged on
 * the instances in lifecycle state InService, not on DesiredCapacity: an accepted change only launches
 * instances, which enter InService once they are configured and pass their EC2 health checks (EC2 Auto
 * Scaling User Guide, "Amazon EC2 Auto Scaling instance lifecycle",
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-lifecycle.html).
 */
export class AutoScalingGroups implements AutoScalingPort {
  constructor(private readonly clients: ClientProvider) {}

  async group(region: string, groupName: string): Promise<AutoScalingGroupState | undefined> {
    // An unknown name is no error for DescribeAutoScalingGroups: the list simply comes back without it.
    const output = await callAws(
      { action: "autoscaling:DescribeAutoScalingGroups", resource: `${region}/${groupName}` },
      () =>
        this.clients
          .forRegion(region)
          .get(AutoScalingClient)
          .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] })),
    );
    const group = output.AutoScalingGroups?.find((candidate) => candidate.AutoScalingGroupName === groupName);
    if (!group) return undefined;
    return {
      minSize: group.MinSize ?? 0,
      maxSize: group.MaxSize ?? 0,
      desiredCapacity: group.DesiredCapacity ?? 0,
      inService: (group.Instances ?? []).filter((instance) => instance.LifecycleState === "InService").length,
    };
  }

  async setCapacity(
    region: string,
    groupName: string,
    capacity: { minSize: number; desiredCapacity: number },
  ): Promise<MutationReceipt> {
    // MaxSize is left as the estate set it: raising a ceiling is a capacity decision the plan does not own.
    const output = await callAws(
      { action: "autoscaling:UpdateAutoScalingGroup", resource: `${region}/${groupName}` },
      () =>
        this.clients
          .forRegion(region)
          .get(AutoScalingClient)
          .send(
            new UpdateAutoScalingGroupCommand({
              AutoScalingGroupName: groupName,
              MinSize: capacity.minSize,
              DesiredCapacity: capacity.desiredCapacity,
            }),
          ),
    );
    return { requestId: requestIdOf(output) };
  }
}
