import type { MutationReceipt } from "./global-database.js";

/** An ECS service as the scale step sees it. */
export interface EcsServiceState {
  desiredCount: number;
  /** Tasks in RUNNING state; with a load balancer, ECS counts a task running once it is registered healthy. */
  runningCount: number;
  pendingCount: number;
  /** ACTIVE, DRAINING or INACTIVE. */
  status: string;
}

/** Amazon ECS, reached through one region's endpoint. */
export interface EcsServicesPort {
  /** Undefined when the cluster has no such service (DescribeServices reports it under `failures`). */
  service(region: string, cluster: string, service: string): Promise<EcsServiceState | undefined>;
  /** UpdateService with desiredCount only. */
  setDesiredCount(
    region: string,
    cluster: string,
    service: string,
    desiredCount: number,
  ): Promise<MutationReceipt>;
}
