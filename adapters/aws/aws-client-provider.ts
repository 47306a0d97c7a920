import type { Route53RecoveryClusterClient } from "@aws-sdk/client-route53-recovery-cluster";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import {
  type ClientClass,
  type ClientConfig,
  type ClientProvider,
  type ClusterEndpoint,
  lazyRegionClients,
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

/**
 * Real SDK clients per region, each built on first use and reused (a Lambda keeps them across
 * invocations). This module imports no client class: each adapter imports its own service's and asks for
 * it by class, so a function's bundle holds, and its cold start builds, only the clients its code uses.
 * Route 53's API is global and answered in us-east-1: its one adapter (route53-dns.ts) asks for that
 * region's client.
 */
export function awsClientProvider(shared: SharedClientConfig = {}): ClientProvider {
  const cache = new Map<string, RegionClients>();
  const build = (region: string, probe: boolean): RegionClients => {
    const key = `${probe ? "probe" : "main"}:${region}`;
    const existing = cache.get(key);
    if (existing) return existing;
    // Probes are best-effort calls to a region that may be down: short timeouts and no SDK retries, so a
    // dead region costs seconds, not the minutes an unbounded connection attempt would.
    const config: ClientConfig = probe
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
    const clients = lazyRegionClients((Client) => new Client(config));
    cache.set(key, clients);
    return clients;
  };
  const clusters = new Map<string, Route53RecoveryClusterClient>();
  const recoveryCluster = (
    endpoint: ClusterEndpoint,
    Client: ClientClass<Route53RecoveryClusterClient>,
  ): Route53RecoveryClusterClient => {
    let client = clusters.get(endpoint.url);
    if (!client) {
      client = new Client({
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
