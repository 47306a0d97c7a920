/**
 * The DynamoDB tables as plain data: infra creates them from this, and the sandbox and tests create the
 * very same tables in the local DynamoDB, so a key or index that works locally exists when deployed.
 */
export interface TableDefinition {
  /** Logical name; the deployed table name is `kirikae-<stage>-<logicalName>` (infra/names.ts). */
  logicalName: string;
  attributes: Array<{ name: string; type: "S" | "N" }>;
  hashKey: string;
  rangeKey?: string;
  globalSecondaryIndexes: Array<{ name: string; hashKey: string; rangeKey: string }>;
  /** Whether records may ever be rewritten: the audit trail is append-only. */
  appendOnly: boolean;
}

/** One item per plan (where it is active, the lock of the workflow in flight) and per held alarm signal. */
export const stateTable: TableDefinition = {
  logicalName: "state",
  attributes: [
    { name: "pk", type: "S" },
    { name: "sk", type: "S" },
  ],
  hashKey: "pk",
  rangeKey: "sk",
  globalSecondaryIndexes: [],
  appendOnly: false,
};

/**
 * The audit trail: hash-chained per plan (pk = plan, sk = zero-padded sequence) and indexed for the
 * questions auditors ask, so none of them needs a scan or CloudTrail's 2 calls/s LookupEvents.
 */
export const auditTable: TableDefinition = {
  logicalName: "audit",
  attributes: [
    { name: "plan", type: "S" },
    { name: "seq", type: "S" },
    { name: "executionId", type: "S" },
    { name: "day", type: "S" },
    { name: "actor", type: "S" },
    { name: "action", type: "S" },
    { name: "at", type: "S" },
  ],
  hashKey: "plan",
  rangeKey: "seq",
  globalSecondaryIndexes: [
    { name: "byExecution", hashKey: "executionId", rangeKey: "at" },
    { name: "byDay", hashKey: "day", rangeKey: "at" },
    { name: "byActor", hashKey: "actor", rangeKey: "at" },
    { name: "byAction", hashKey: "action", rangeKey: "at" },
  ],
  appendOnly: true,
};

export const tableDefinitions = [stateTable, auditTable] as const;
