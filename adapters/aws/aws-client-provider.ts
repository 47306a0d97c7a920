import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ECSClient } from "@aws-sdk/client-ecs";
import { EKSClient } from "@aws-sdk/client-eks";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { KMSClient } from "@aws-sdk/client-kms";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { RDSClient } from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";
import { Route53RecoveryClusterClient } from "@aws-sdk/client-route53-recovery-cluster";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import {
  type ClientProvider,
  type ClusterEndpoint,
  PROBE_TIMEOUT_MS,
  type RegionClients,
} from "./region-clients.js";

/**
 * What every client a provider builds shares: the CLI passes the person's profile and its timeouts here
 * (cli/cli-aws.ts); Lambda passes nothing and keeps the SDK's defaults. Probe clients keep their own
 * short timeouts whatever is given.
 */
export interface SharedClientConfig {
  profile?: string;
  endpoint?: string;
  maxAttempts?: number;
  requestHandler?: { connectionTimeout?: number; requestTimeout?: number; throwOnRequestTimeout?: boolean };
  credentials?: AwsCredentialIdentityProvider;
}

/** Real SDK clients per region, built on first use and reused (a Lambda keeps them across invocations). */
export function awsClientProvider(shared: SharedClientConfig = {}): ClientProvider {
  const cache = new Map<string, RegionClients>();
  const build = (region: string, probe: boolean): RegionClients => {
    const key = `${probe ? "probe" : "main"}:${region}`;
    const existing = cache.get(key);
    if (existing) return existing;
    // Probes are best-effort calls to a region that may be down: short timeouts and no SDK retries, so a
    // dead region costs seconds, not the minutes an unbounded connection attempt would.
    const config = probe
      ? {
          ...shared,
          region,
          maxAttempts: 1,
          requestHandler: {
            connectionTimeout: 1_000,
            requestTimeout: PROBE_TIMEOUT_MS,
            throwOnRequestTimeout: true,
          },
        }
      : {
          // A region that accepts a connection and never answers must fail the call, so the workflow's
          // retry (TimeoutError is transient) or its escalation takes over well before the step's timeout;
          // without throwOnRequestTimeout the SDK only logs a warning and waits on.
          requestHandler: { connectionTimeout: 3_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
          ...shared,
          region,
        };
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
      autoscaling: new AutoScalingClient(config),
      ecs: new ECSClient(config),
      lambda: new LambdaClient(config),
    };
    cache.set(key, clients);
    return clients;
  };
  const clusters = new Map<string, Route53RecoveryClusterClient>();
  const recoveryCluster = (endpoint: ClusterEndpoint) => {
    let client = clusters.get(endpoint.url);
    if (!client) {
      client = new Route53RecoveryClusterClient({
        ...(shared.profile === undefined ? {} : { profile: shared.profile }),
        ...(shared.credentials === undefined ? {} : { credentials: shared.credentials }),
        region: endpoint.region,
        endpoint: endpoint.url,
        maxAttempts: 1,
        requestHandler: {
          connectionTimeout: 1_000,
          requestTimeout: PROBE_TIMEOUT_MS,
          throwOnRequestTimeout: true,
        },
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
