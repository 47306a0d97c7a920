import type { ClientProvider } from "./region-clients.js";

/**
 * The same provider with every regional client swapped for its probe (short timeout, no retries), for
 * ports that only make advisory reads: an adapter written against `forRegion` then costs seconds, not
 * minutes, when the region it asks (or us-east-1, for Route 53's API) is down.
 */
export function probeClients(clients: ClientProvider): ClientProvider {
  return {
    forRegion: (region) => clients.probe(region),
    probe: (region) => clients.probe(region),
    recoveryCluster: (endpoint, client) => clients.recoveryCluster(endpoint, client),
  };
}
