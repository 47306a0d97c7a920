import type { MutationReceipt } from "./global-database.js";

/** An EC2 Auto Scaling group as the scale step sees it. */
export interface AutoScalingGroupState {
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  /**
   * Instances in lifecycle state InService. An accepted capacity change only launches instances; the
   * group has the capacity once they pass their health checks and enter InService.
   */
  inService: number;
}

/** EC2 Auto Scaling, reached through one region's endpoint. */
export interface AutoScalingPort {
  /** Undefined when the region has no group of that name. */
  group(region: string, groupName: string): Promise<AutoScalingGroupState | undefined>;
  /** UpdateAutoScalingGroup with MinSize and DesiredCapacity (MaxSize untouched). */
  setCapacity(
    region: string,
    groupName: string,
    capacity: { minSize: number; desiredCapacity: number },
  ): Promise<MutationReceipt>;
}
