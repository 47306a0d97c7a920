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

/**
 * Route 53's API, served only from us-east-1: record edits, change status, health-check status and
 * configuration. What resolvers are answered is read from the name servers instead (DnsAnswersPort).
 */
export interface DnsPort {
  listRecords(hostedZoneId: string, name: string, type: string): Promise<RecordSet[]>;
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
