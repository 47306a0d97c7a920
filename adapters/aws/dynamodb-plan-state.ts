import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type {
  DetectorRequestRecord,
  FencingStatePort,
  PendingApproval,
  PlanRuntimeState,
  PlanStatePort,
  PromotionMode,
  WorkflowLock,
  WorkflowResult,
} from "../../core/ports/plan-state.js";

const STATE = "state";
/** One item per alarm-started execution, beside the plan's state item (never matched by `list`). */
const DETECTOR_REQUEST = "detector-request#";

/**
 * The plan's runtime state and lock as DynamoDB items. Every transition is one conditional write, so of
 * many concurrent detectors exactly one wins (invariant 2) with no coordination beyond DynamoDB itself.
 */
export class DynamoDbPlanState implements PlanStatePort, FencingStatePort {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(plan: string): Promise<PlanRuntimeState> {
    const output = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key(plan, STATE), ConsistentRead: true }),
    );
    return toRuntimeState(plan, output.Item ?? {});
  }

  /** Every plan that has runtime state: few items, so one scan reads them all. */
  async list(): Promise<PlanRuntimeState[]> {
    const states: PlanRuntimeState[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: "sk = :state",
          ExpressionAttributeValues: { ":state": STATE },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        states.push(toRuntimeState(String(item.pk).replace(/^plan#/, ""), item));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return states.sort((a, b) => a.plan.localeCompare(b.plan));
  }

  async acquireLock(plan: string, lock: WorkflowLock, now: string): Promise<boolean> {
    return (await this.takeLock(plan, lock, now)) !== "refused";
  }

  async takeLock(plan: string, lock: WorkflowLock, now: string): Promise<"taken" | "held" | "refused"> {
    try {
      const output = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(plan, STATE),
          UpdateExpression: "SET #lock = :lock",
          // The same holder may take it again: the detector locks before it starts the execution, a
          // redelivered event locks again under the same name, and the execution's first step then
          // takes the lock it already holds.
          ConditionExpression:
            "attribute_not_exists(#lock) OR #lock.leaseUntil < :now OR #lock.holder = :holder",
          ExpressionAttributeNames: { "#lock": "lock" },
          ExpressionAttributeValues: { ":lock": lock, ":now": now, ":holder": lock.holder },
          // The item as it was: writes to one item are serialised, so one taker sees no lock before it.
          ReturnValues: "UPDATED_OLD",
        }),
      );
      const before = output.Attributes?.lock as WorkflowLock | undefined;
      return before?.holder === lock.holder ? "held" : "taken";
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return "refused";
      throw error;
    }
  }

  async releaseLock(plan: string, holder: string, result: WorkflowResult): Promise<void> {
    const set = [
      ...(result.endedAt ? ["lastWorkflowEndedAt = :endedAt"] : []),
      ...(result.activeRegion ? ["activeRegion = :region"] : []),
      ...(result.promotion ? ["lastPromotion = :promotion"] : []),
    ];
    // A run that promoted starts a new story for the region it left: the last run's fence no longer speaks for it.
    const remove = ["#lock", "pendingApproval", ...(result.promotion ? ["fencedAt"] : [])];
    // Conditional on the holder, so a re-run of a finished step cannot release a newer workflow's lock.
    await succeeds(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(plan, STATE),
          UpdateExpression: `REMOVE ${remove.join(", ")}${set.length > 0 ? ` SET ${set.join(", ")}` : ""}`,
          ConditionExpression: "#lock.holder = :holder",
          ExpressionAttributeNames: { "#lock": "lock" },
          ExpressionAttributeValues: {
            ":holder": holder,
            ...(result.endedAt ? { ":endedAt": result.endedAt } : {}),
            ...(result.activeRegion ? { ":region": result.activeRegion } : {}),
            ...(result.promotion ? { ":promotion": result.promotion } : {}),
          },
        }),
      ),
    );
  }

  async markFenced(plan: string, fence: { at: string; activeRegion: string; now: string }): Promise<boolean> {
    // One conditional write: of two fencing runs (a retry, an overlapping schedule) exactly one records
    // it, and a failback that took the lock meanwhile wins.
    return succeeds(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(plan, STATE),
          UpdateExpression: "SET fencedAt = :at",
          ConditionExpression:
            "attribute_not_exists(fencedAt) AND activeRegion = :region AND lastPromotion = :failover" +
            " AND (attribute_not_exists(#lock) OR #lock.leaseUntil < :now)",
          ExpressionAttributeNames: { "#lock": "lock" },
          ExpressionAttributeValues: {
            ":at": fence.at,
            ":region": fence.activeRegion,
            ":failover": "failover",
            ":now": fence.now,
          },
        }),
      ),
    );
  }

  async awaitApproval(plan: string, approval: PendingApproval): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(plan, STATE),
        UpdateExpression: "SET pendingApproval = :approval",
        ExpressionAttributeValues: { ":approval": approval },
      }),
    );
  }

  async takeApproval(plan: string): Promise<PendingApproval | undefined> {
    try {
      const output = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(plan, STATE),
          UpdateExpression: "REMOVE pendingApproval",
          ConditionExpression: "attribute_exists(pendingApproval)",
          ReturnValues: "ALL_OLD",
        }),
      );
      return output.Attributes?.pendingApproval as PendingApproval | undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async recordDetectorRequest(plan: string, record: DetectorRequestRecord): Promise<void> {
    // UpdateItem (the grant the detector already has), with if_not_exists on every attribute so the
    // first record stands: a later write under the same name can neither replace nor widen it.
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(plan, `${DETECTOR_REQUEST}${record.executionName}`),
        UpdateExpression:
          "SET #request = if_not_exists(#request, :request), #region = if_not_exists(#region, :region), recordedAt = if_not_exists(recordedAt, :at)",
        ExpressionAttributeNames: { "#request": "request", "#region": "region" },
        ExpressionAttributeValues: {
          ":request": record.request,
          ":region": record.region,
          ":at": record.recordedAt,
        },
      }),
    );
  }

  async detectorRequest(plan: string, executionName: string): Promise<DetectorRequestRecord | undefined> {
    const output = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: key(plan, `${DETECTOR_REQUEST}${executionName}`),
        ConsistentRead: true,
      }),
    );
    const item = output.Item;
    if (!item || item.request === undefined || typeof item.region !== "string") return undefined;
    return {
      executionName,
      request: item.request,
      region: item.region,
      recordedAt: String(item.recordedAt ?? ""),
    };
  }
}

function toRuntimeState(plan: string, item: Record<string, unknown>): PlanRuntimeState {
  return {
    plan,
    ...(typeof item.activeRegion === "string" ? { activeRegion: item.activeRegion } : {}),
    ...(item.lock ? { lock: item.lock as WorkflowLock } : {}),
    ...(typeof item.lastWorkflowEndedAt === "string"
      ? { lastWorkflowEndedAt: item.lastWorkflowEndedAt }
      : {}),
    ...(item.pendingApproval ? { pendingApproval: item.pendingApproval as PendingApproval } : {}),
    ...(item.lastPromotion === "switchover" || item.lastPromotion === "failover"
      ? { lastPromotion: item.lastPromotion as PromotionMode }
      : {}),
    ...(typeof item.fencedAt === "string" ? { fencedAt: item.fencedAt } : {}),
  };
}

function key(plan: string, sk: string) {
  return { pk: `plan#${plan}`, sk };
}

/** Runs a conditional write; false when its condition did not hold. */
async function succeeds(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
