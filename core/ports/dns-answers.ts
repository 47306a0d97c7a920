/**
 * What the zone's authoritative name servers answer for a name right now: Route 53's data plane, the
 * servers resolvers ask, which keep answering (health checks included) when Route 53's API in us-east-1
 * does not. A failover confirms its traffic switch here, as users would see it, rather than with
 * TestDNSAnswer, a control-plane call that "only responds based on the settings in the records".
 */
export interface DnsAnswersPort {
  /**
   * The record data for `name` and `type` (A, AAAA or CNAME): addresses, or the canonical name. An empty
   * list when the name does not exist or has no record of that type; a typed error when the servers
   * cannot be asked or do not answer in time.
   */
  answer(name: string, type: string): Promise<string[]>;
  /**
   * What an ordinary resolver answers for a target's own name (an alias's load balancer): Route 53
   * answers an alias record with its target's addresses, so these are what the alias must answer with.
   */
  addressesOf(hostname: string, type: string): Promise<string[]>;
}
