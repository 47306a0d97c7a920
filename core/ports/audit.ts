/** What happened, as kirikae's own append-only trail records it. */
export interface AuditEntry {
  plan: string;
  /** The Step Functions execution the record belongs to; "-" for decisions that started none. */
  executionId: string;
  /** `evidence` links an earlier outcome record to the CloudTrail event of the same call. */
  kind: "decision" | "intent" | "outcome" | "execution" | "evidence";
  /** e.g. "failover.started", "rds:SwitchoverGlobalCluster". */
  action: string;
  /** Who or what acted: an alarm, kirikae's role, or the IAM identity that started a workflow. */
  actor: string;
  at: string;
  resource?: string;
  /** The region whose endpoint an action called (Route 53's is us-east-1): where CloudTrail records it. */
  region?: string;
  /** The AWS request ID of the call, the key CloudTrail's event carries too. */
  requestId?: string;
  outcome?: "ok" | "failed" | "ignored" | "pending";
  before?: unknown;
  after?: unknown;
  error?: { name: string; message: string };
  details?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  prevHash: string;
  hash: string;
  /**
   * The index key attributes the table stored beside the record, as read back by `chain()`: outside the
   * hash, so `audit verify` checks each against what the hashed content implies (a `day` that differs
   * from `at` hides the record from date queries).
   */
  indexed?: IndexedAttributes;
}

/** What the audit table keys a record by that the record's hash does not cover. */
export interface IndexedAttributes {
  /** The byDay index's key: must be `at.slice(0, 10)`. */
  day?: string;
  /** The table's sort key as stored: `seq`, zero-padded to 12 digits. */
  seqKey?: string;
}

export interface AuditPort {
  append(entry: AuditEntry): Promise<AuditRecord>;
}

/** What an auditor asks: any combination, answered oldest first. */
export interface AuditFilter {
  plan?: string;
  executionId?: string;
  actor?: string;
  action?: string;
  outcome?: AuditEntry["outcome"];
  /** ISO times, inclusive. */
  from?: string;
  to?: string;
}

/** Reading the trail back: a plan's whole chain, and queries answered from the trail's indexes. */
export interface AuditReaderPort {
  chain(plan: string): Promise<AuditRecord[]>;
  query(filter: AuditFilter): Promise<AuditRecord[]>;
}
