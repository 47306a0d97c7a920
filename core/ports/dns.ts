import type { MutationReceipt } from "./global-database.js";

export interface RecordSet {
  name: string;
  type: string;
  setIdentifier?: string;
  ttl?: number;
  values: string[];
  failover?: "PRIMARY" | "SECONDARY";
  weight?: number;
  healthCheckId?: string;
}

export type RecordChange = { action: "UPSERT" | "DELETE" | "CREATE"; record: RecordSet };

/** Route 53: record edits go through its control plane (us-east-1); answers and health are data plane. */
export interface DnsPort {
  listRecords(hostedZoneId: string, name: string, type: string): Promise<RecordSet[]>;
  changeRecords(
    hostedZoneId: string,
    changes: RecordChange[],
    comment: string,
  ): Promise<MutationReceipt & { changeId: string }>;
  changeInSync(changeId: string): Promise<boolean>;
  /** What Route 53 answers for the name right now. */
  answer(hostedZoneId: string, name: string, type: string): Promise<string[]>;
  healthCheckHealthy(healthCheckId: string): Promise<boolean>;
}
