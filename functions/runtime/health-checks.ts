import { probeClients } from "../../adapters/aws/probe-clients.js";
import type { ClientProvider } from "../../adapters/aws/region-clients.js";
import { Route53Dns } from "../../adapters/aws/route53-dns.js";

/**
 * Advisory: health-check status is only served by Route 53's API in us-east-1, so it is read with probe
 * clients and a dead us-east-1 costs seconds (invariant 5). The other ports a step uses, its handler
 * builds from their adapters itself, so its bundle holds only those services' clients.
 */
export function healthCheckReader(clients: ClientProvider): Route53Dns {
  return new Route53Dns(probeClients(clients));
}
