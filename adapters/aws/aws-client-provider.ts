import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EKSClient } from "@aws-sdk/client-eks";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { KMSClient } from "@aws-sdk/client-kms";
import { RDSClient } from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";
import { Route53RecoveryClusterClient } from "@aws-sdk/client-route53-recovery-cluster";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";
import {
  type ClientProvider,
  type ClusterEndpoint,
  PROBE_TIMEOUT_MS,
  type RegionClients,
} from "./region-clients.js";

/** Real SDK clients per region, built on first use and reused (a Lambda keeps them across invocations). */
export function awsClientProvider(): ClientProvider {
  const cache = new Map<string, RegionClients>();
  const build = (region: string, probe: boolean): RegionClients => {
    const key = `${probe ? "probe" : "main"}:${region}`;
    const existing = cache.get(key);
    if (existing) return existing;
    // Probes are best-effort calls to a region that may be down: short timeouts and no SDK retries, so a
    // dead region costs seconds, not the minutes an unbounded connection attempt would.
    const config = probe
      ? {
          region,
          maxAttempts: 1,
          requestHandler: { connectionTimeout: 1_000, requestTimeout: PROBE_TIMEOUT_MS },
        }
      : { region };
    const clients: RegionClients = {
      rds: new RDSClient(config),
      route53: new Route53Client({ ...config, region: "us-east-1" }),
      eks: new EKSClient(config),
      cloudtrail: new CloudTrailClient(config),
      cloudwatch: new CloudWatchClient(config),
      sfn: new SFNClient(config),
      eventbridge: new EventBridgeClient(config),
      s3: new S3Client(config),
      kms: new KMSClient(config),
      sqs: new SQSClient(config),
    };
    cache.set(key, clients);
    return clients;
  };
  const clusters = new Map<string, Route53RecoveryClusterClient>();
  const recoveryCluster = (endpoint: ClusterEndpoint) => {
    let client = clusters.get(endpoint.url);
    if (!client) {
      client = new Route53RecoveryClusterClient({
        region: endpoint.region,
        endpoint: endpoint.url,
        maxAttempts: 1,
        requestHandler: { connectionTimeout: 1_000, requestTimeout: PROBE_TIMEOUT_MS },
      });
      clusters.set(endpoint.url, client);
    }
    return client;
  };
  return {
    forRegion: (region) => build(region, false),
    probe: (region) => build(region, true),
    recoveryCluster,
  };
}
