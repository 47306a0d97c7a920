import type { MutationReceipt } from "./global-database.js";

export interface RecordSet {
  name: string;
  type: string;
  setIdentifier?: string;
  ttl?: number;
  /** For an alias record, the alias's DNS name (what it answers with in kirikae's eyes). */
  values: string[];
  /** Present on an alias record (ALB/NLB targets), which has no TTL or values of its own in Route 53. */
  alias?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
  failover?: "PRIMARY" | "SECONDARY";
  weight?: number;
  healthCheckId?: string;
}

export type RecordChange = { action: "UPSERT" | "DELETE" | "CREATE"; record: RecordSet };

/** A name and type of a zone: every record set (one per set identifier) that shares them. */
export interface RecordKey {
  name: string;
  type: string;
}

/**
 * Route 53's API, served only from us-east-1: record edits, change status, health-check status and
 * configuration. What resolvers are answered is read from the name servers instead (DnsAnswersPort).
 */
export interface DnsPort {
  listRecords(hostedZoneId: string, name: string, type: string): Promise<RecordSet[]>;
  /**
   * The record sets of several names and types of one zone, read with as few ListResourceRecordSets pages
   * as the zone's order allows (Route 53's API takes 5 requests a second per account, so one read per
   * name does not scale to a plan with hundreds of records). A name with no record set is absent.
   */
  listRecordsOf(hostedZoneId: string, keys: readonly RecordKey[]): Promise<RecordSet[]>;
  /**
   * One change batch: applied all or nothing, with one change ID to poll. The batch must be within Route
   * 53's limits on a request (core/failover/switch-traffic.ts `changeBatches` splits a zone's changes).
   */
  changeRecords(
    hostedZoneId: string,
    changes: RecordChange[],
    comment: string,
  ): Promise<MutationReceipt & { changeId: string }>;
  changeInSync(changeId: string): Promise<boolean>;
  healthCheckHealthy(healthCheckId: string): Promise<boolean>;
  /** What a health check follows, in the words of `describeGateHealthCheck` (core/traffic/gates.ts). */
  healthCheckFollows(healthCheckId: string): Promise<string>;
}
