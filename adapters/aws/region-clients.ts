import type { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { EKSClient } from "@aws-sdk/client-eks";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { KMSClient } from "@aws-sdk/client-kms";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { RDSClient } from "@aws-sdk/client-rds";
import type { Route53Client } from "@aws-sdk/client-route-53";
import type { Route53RecoveryClusterClient } from "@aws-sdk/client-route53-recovery-cluster";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SFNClient } from "@aws-sdk/client-sfn";
import type { SQSClient } from "@aws-sdk/client-sqs";

/** The SDK clients of one region. */
export interface RegionClients {
  rds: RDSClient;
  route53: Route53Client;
  eks: EKSClient;
  cloudtrail: CloudTrailClient;
  cloudwatch: CloudWatchClient;
  sfn: SFNClient;
  eventbridge: EventBridgeClient;
  s3: S3Client;
  /** The audit digests' signing key lives in each control-plane region. */
  kms: KMSClient;
  /** The detector's dead-letter queue, in each control-plane region. */
  sqs: SQSClient;
  /** EC2 Auto Scaling groups of a plan's Auto Scaling blocks. */
  autoscaling: AutoScalingClient;
  /** ECS services of a plan's ECS blocks. */
  ecs: ECSClient;
  /** A plan's custom steps, invoked in the region of their function's ARN. */
  lambda: LambdaClient;
}

/**
 * Clients per region, built once and reused. `probe` clients have short timeouts and no retries: they
 * are for best-effort calls to a region that may be down, which must never hold up the critical path.
 */
export interface ClientProvider {
  forRegion(region: string): RegionClients;
  probe(region: string): RegionClients;
  /**
   * A client of one Route 53 ARC cluster endpoint, with a probe's short timeout and no retries: the
   * caller moves on to the next endpoint instead of waiting on a dead one.
   */
  recoveryCluster(endpoint: ClusterEndpoint): Route53RecoveryClusterClient;
}

/** One of a Route 53 ARC cluster's regional endpoints, as the cluster lists them. */
export interface ClusterEndpoint {
  region: string;
  url: string;
}

/** Probe calls give up after this long; a region that does not answer by then counts as down. */
export const PROBE_TIMEOUT_MS = 3_000;
