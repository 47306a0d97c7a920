import type { VirtualClock } from "./virtual-clock.js";

export type ServiceName =
  | "rds"
  | "route53"
  | "route53-recovery-cluster"
  | "eks"
  | "cloudtrail"
  | "cloudwatch"
  | "sfn"
  | "eventbridge"
  | "s3"
  | "kms"
  /** The detector's dead-letter queue, read by the evidence linker. */
  | "sqs"
  /** EC2 Auto Scaling groups a plan scales (issue 13's Auto Scaling block). */
  | "autoscaling"
  /** ECS services a plan scales (issue 13's ECS block). */
  | "ecs"
  /** Custom steps: the estate's own functions, invoked synchronously. */
  | "lambda";

/** One API call as the sandbox sees it, after the real SDK client built and typed the command input. */
export interface SandboxCall {
  service: ServiceName;
  /** The region of the endpoint called; Route 53's control plane is always us-east-1. */
  region: string;
  /** The API operation name, e.g. "SwitchoverGlobalCluster". */
  operation: string;
  input: Record<string, unknown>;
  requestId: string;
  /** The IAM principal ARN the calling client runs as. */
  principal: string;
  at: Date;
}

/** A CloudTrail resource entry, as LookupEvents returns it. */
export interface TrailResource {
  ResourceType: string;
  ResourceName: string;
}

/** A modelled AWS service: answers calls, throws the SDK's own exception classes on errors. */
export interface ServiceModel {
  readonly service: ServiceName;
  /** The CloudTrail `eventSource` of this service, e.g. "rds.amazonaws.com". */
  readonly eventSource: string;
  handle(call: SandboxCall): Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Mutating operations become CloudTrail management events; reads do not in this model. */
  isMutating(operation: string): boolean;
  /** The resources a call concerns, for its CloudTrail event. */
  resourcesOf(call: SandboxCall): TrailResource[];
}

/** What a service model may use from the estate around it. */
export interface ModelContext {
  clock: VirtualClock;
  /** Whether a region's endpoints answer (false under a region-down fault). */
  isRegionUp(region: string): boolean;
  /** Since when a region has been down, for models whose state drifts during an outage (lag). */
  regionDownSince?(region: string): Date | undefined;
}

/** AWS-shaped response metadata for errors the sandbox throws. */
export function errorMetadata(call: SandboxCall, httpStatusCode = 400) {
  return { httpStatusCode, requestId: call.requestId, attempts: 1, totalRetryDelay: 0 };
}
