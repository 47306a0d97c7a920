import type { Route53RecoveryClusterClient } from "@aws-sdk/client-route53-recovery-cluster";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";

/**
 * What a provider gives every client it builds (aws-client-provider.ts): the region, and the shared
 * profile, endpoint, retries, timeouts and credentials. Every SDK v3 client's constructor accepts it.
 */
export interface ClientConfig {
  region: string;
  profile?: string;
  endpoint?: string;
  maxAttempts?: number;
  requestHandler?: { connectionTimeout?: number; requestTimeout?: number; throwOnRequestTimeout?: boolean };
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** An SDK v3 client class, such as RDSClient: what an adapter asks a provider for. */
export type ClientClass<C extends object> = new (config: ClientConfig) => C;

/**
 * The SDK clients of one region, each built the first time it is asked for, by its class, and reused.
 * Asking by class rather than by a field of one struct is what keeps a Lambda bundle to the clients its
 * code uses: each adapter imports its own service's client class, and nothing imports them all.
 */
export interface RegionClients {
  get<C extends object>(client: ClientClass<C>): C;
}

/** A RegionClients over `build`, called at most once per class. */
export function lazyRegionClients(build: <C extends object>(client: ClientClass<C>) => C): RegionClients {
  const built = new Map<ClientClass<object>, object>();
  return {
    get: <C extends object>(client: ClientClass<C>): C => {
      let found = built.get(client) as C | undefined;
      if (!found) {
        found = build(client);
        built.set(client, found);
      }
      return found;
    },
  };
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
   * caller moves on to the next endpoint instead of waiting on a dead one. The caller hands in the class,
   * like `get`, so only the function that flips ARC gates bundles it.
   */
  recoveryCluster(
    endpoint: ClusterEndpoint,
    client: ClientClass<Route53RecoveryClusterClient>,
  ): Route53RecoveryClusterClient;
}

/** One of a Route 53 ARC cluster's regional endpoints, as the cluster lists them. */
export interface ClusterEndpoint {
  region: string;
  url: string;
}

/** Probe calls give up after this long; a region that does not answer by then counts as down. */
export const PROBE_TIMEOUT_MS = 3_000;
