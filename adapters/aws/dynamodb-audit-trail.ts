import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { chainRecord } from "../../core/audit/hash-chain.js";
import type {
  AuditEntry,
  AuditFilter,
  AuditPort,
  AuditReaderPort,
  AuditRecord,
} from "../../core/ports/audit.js";
import { AuditWriteError } from "./audit-errors.js";
import { planAuditQuery } from "./audit-query-plan.js";

const SEQ_WIDTH = 12;
/**
 * Appends to one plan's chain are serialised by DynamoDB's condition; a storm of detector decisions can
 * put a hundred writers on one chain at once, so losers back off with jitter and try again.
 */
const MAX_APPEND_ATTEMPTS = 200;
const MAX_BACKOFF_MS = 25;

/**
 * The append-only trail in DynamoDB: each append reads the plan's chain head and writes the next record
 * on the condition that its sequence number is still free, so concurrent steps never fork the chain.
 * Only PutItem with attribute_not_exists is ever issued: nothing here can update or delete a record.
 */
export class DynamoDbAuditTrail implements AuditPort, AuditReaderPort {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Each plan's last queued append in this process: a step's parallel calls append one after another. */
  private readonly queued = new Map<string, Promise<unknown>>();

  /**
   * Appends made in this process go to a plan's chain one at a time, in the order they were asked for:
   * a step that audits hundreds of parallel calls would otherwise race itself on DynamoDB's condition and
   * spend its time backing off. Other processes still race, and the condition still settles it.
   */
  append(entry: AuditEntry): Promise<AuditRecord> {
    const before = this.queued.get(entry.plan) ?? Promise.resolve();
    const appended = before.catch(() => undefined).then(() => this.appendNow(entry));
    this.queued.set(entry.plan, appended);
    const forget = () => {
      if (this.queued.get(entry.plan) === appended) this.queued.delete(entry.plan);
    };
    appended.then(forget, forget);
    return appended;
  }

  private async appendNow(entry: AuditEntry): Promise<AuditRecord> {
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      const record = chainRecord(entry, await this.head(entry.plan));
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toItem(record),
            ConditionExpression: "attribute_not_exists(#plan)",
            ExpressionAttributeNames: { "#plan": "plan" },
          }),
        );
        return record;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) {
          throw new AuditWriteError(`could not append to the audit trail of ${entry.plan}`, { cause: error });
        }
        await backoff(attempt);
      }
    }
    throw new AuditWriteError(
      `the audit trail of ${entry.plan} stayed contended for ${MAX_APPEND_ATTEMPTS} attempts`,
    );
  }

  /** Answers an auditor's question from the trail's indexes, oldest first. */
  async query(filter: AuditFilter): Promise<AuditRecord[]> {
    const plan = planAuditQuery(filter);
    const found: AuditRecord[] = [];
    for (const keyValue of plan.days ?? [plan.keyValue]) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const output = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            ...(plan.indexName ? { IndexName: plan.indexName } : {}),
            KeyConditionExpression: "#key = :key",
            ExpressionAttributeNames: { "#key": plan.keyName },
            ExpressionAttributeValues: { ":key": keyValue },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        found.push(...(output.Items ?? []).map(fromItem));
        startKey = output.LastEvaluatedKey;
      } while (startKey);
    }
    return found
      .filter((record) => matches(record, filter))
      .sort((a, b) => a.at.localeCompare(b.at) || a.seq - b.seq);
  }

  /** The whole chain of a plan, oldest first. */
  async chain(plan: string): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const output = await this.client.send(
        this.planQuery(plan, { ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
      );
      records.push(...(output.Items ?? []).map(withIndexed));
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  private async head(plan: string): Promise<AuditRecord | undefined> {
    const output = await this.client.send(
      this.planQuery(plan, { ScanIndexForward: false, Limit: 1, ConsistentRead: true }),
    );
    const item = output.Items?.[0];
    return item ? fromItem(item) : undefined;
  }

  private planQuery(plan: string, options: Omit<QueryCommandInput, "TableName" | "KeyConditionExpression">) {
    return new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: "#plan = :plan",
      ExpressionAttributeNames: { "#plan": "plan" },
      ExpressionAttributeValues: { ":plan": plan },
      ...options,
    });
  }
}

function matches(record: AuditRecord, filter: AuditFilter): boolean {
  return (
    (!filter.plan || record.plan === filter.plan) &&
    (!filter.executionId || record.executionId === filter.executionId) &&
    (!filter.actor || record.actor === filter.actor) &&
    (!filter.action || record.action === filter.action) &&
    (!filter.outcome || record.outcome === filter.outcome) &&
    (!filter.from || record.at >= filter.from) &&
    (!filter.to || record.at <= filter.to)
  );
}

// Contention between writers is real time, not modelled time: this pause is I/O pacing, not a workflow wait.
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(MAX_BACKOFF_MS, 2 + attempt * 2);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function toItem(record: AuditRecord): Record<string, unknown> {
  return { ...record, seq: String(record.seq).padStart(SEQ_WIDTH, "0"), day: record.at.slice(0, 10) };
}

/**
 * A chain record with the index keys the table stored beside it (outside the hash), so `audit verify`
 * can check them against the hashed content: a `day` edited in place would hide a record from date queries.
 */
function withIndexed(item: Record<string, unknown>): AuditRecord {
  const indexed = {
    ...(typeof item.day === "string" ? { day: item.day } : {}),
    ...(typeof item.seq === "string" ? { seqKey: item.seq } : {}),
  };
  return { ...fromItem(item), indexed };
}

function fromItem(item: Record<string, unknown>): AuditRecord {
  const { day: _day, ...rest } = item;
  return { ...(rest as unknown as AuditRecord), seq: Number(item.seq) };
}
