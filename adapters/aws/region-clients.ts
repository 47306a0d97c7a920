import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { EKSClient } from "@aws-sdk/client-eks";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { RDSClient } from "@aws-sdk/client-rds";
import type { Route53Client } from "@aws-sdk/client-route-53";
import type { SFNClient } from "@aws-sdk/client-sfn";

/** The SDK clients of one region. */
export interface RegionClients {
  rds: RDSClient;
  route53: Route53Client;
  eks: EKSClient;
  cloudtrail: CloudTrailClient;
  cloudwatch: CloudWatchClient;
  sfn: SFNClient;
  eventbridge: EventBridgeClient;
}

/**
 * Clients per region, built once and reused. `probe` clients have short timeouts and no retries: they
 * are for best-effort calls to a region that may be down, which must never hold up the critical path.
 */
export interface ClientProvider {
  forRegion(region: string): RegionClients;
  probe(region: string): RegionClients;
}

/** Probe calls give up after this long; a region that does not answer by then counts as down. */
export const PROBE_TIMEOUT_MS = 3_000;
