import type { AuditRecord } from "../ports/audit.js";

export type WorkflowKind = "failover" | "failback";

/** The trigger as the accepted request recorded it; read loosely, for a report must read old records too. */
export interface RecordedTrigger {
  type?: "alarm" | "manual";
  alarmName?: string;
  alarmRegion?: string;
  reason?: string;
  ticket?: string;
  /** The alarm's state-change time, or when a person asked. */
  detectedAt?: string;
  /** The alarm's evaluation window, where the request carries it. */
  evaluation?: { periodSeconds: number; evaluationPeriods: number };
}

export interface RecordedRequest {
  kind: WorkflowKind;
  sourceRegion: string;
  targetRegion: string;
  trigger: RecordedTrigger;
}

/**
 * How a run ended, from its records (core/failover/finish-workflow.ts and the steps write them):
 * refused before it started (the request, or its pre-checks), cleared (the alarm flapped), not approved
 * (a person said no, or no one answered), escalated (stopped half-way, for a person), succeeded, or still
 * going when the report was written.
 */
export type RunOutcome =
  | { kind: "succeeded"; at: string; activeRegion?: string }
  | { kind: "refused"; stage: "request" | "precheck"; at: string; reason: string }
  | { kind: "cleared"; at: string; reason?: string }
  | {
      kind: "notApproved";
      question: "failover" | "data-loss";
      at: string;
      reason: string;
      activeRegion?: string;
      compensated: string[];
    }
  | { kind: "escalated"; at: string; reason: string; activeRegion?: string; compensated: string[] }
  | { kind: "inProgress" };

export interface RecordedApproval {
  at: string;
  who: string;
  decision: "approved" | "rejected";
  question: "failover" | "data-loss";
  reason?: string;
}

export interface RunFacts {
  /** Oldest first; the order every other part of the report reads them in. */
  records: AuditRecord[];
  kind?: WorkflowKind;
  request?: RecordedRequest;
  acceptedAt?: string;
  outcome: RunOutcome;
  /** The promotion the workflow decided on: how, and the data it may lose (null: lag unknown). */
  promotion?: { at: string; mode: "switchover" | "failover"; rpoEstimateSeconds?: number | null };
  promotedAt?: string;
  verified?: { at: string; rtoSeconds?: number; rpoSeconds?: number | null };
  /** Who started a run by hand, as CloudTrail recorded it. */
  initiator?: string;
  approvals: RecordedApproval[];
  /**
   * The run's last own record: its end, or while it runs the latest step's. CloudTrail's evidence
   * records arrive minutes after the run and do not count.
   */
  lastAt?: string;
}

const APPROVAL_ERRORS = new Set(["ApprovalRejected", "States.Timeout", "NotApproved"]);
const DATA_LOSS_ERRORS = new Set(["DataLossRejected", "DataLossNotApproved"]);

/** What one execution's records establish, and nothing they do not. */
export function runFacts(records: readonly AuditRecord[]): RunFacts {
  const ordered = [...records].sort((a, b) => a.at.localeCompare(b.at) || a.seq - b.seq);
  const accepted = ordered.find(isAccepted);
  const request = readRequest(accepted?.details?.request);
  const refusal = ordered.find(isRequestRefusal);
  const kind = request?.kind ?? kindOf(accepted?.action ?? refusal?.action);
  const estimate = ordered.find((record) => record.action === "database.rpo-estimate");
  const mode = estimate?.details?.mode;
  const verified = ordered.find((record) => record.action === "recovery.verified");
  const initiator = ordered.find(
    (record) => record.kind === "evidence" && typeof record.details?.initiator === "string",
  );
  const approvals = ordered.flatMap(readApproval);
  return {
    records: ordered,
    ...(kind ? { kind } : {}),
    ...(request ? { request } : {}),
    ...(accepted ? { acceptedAt: accepted.at } : {}),
    outcome: outcomeOf(ordered, accepted, refusal, approvals),
    ...(estimate && (mode === "switchover" || mode === "failover")
      ? {
          promotion: {
            at: estimate.at,
            mode,
            ...rpoOf(estimate.details?.rpoEstimateSeconds, "rpoEstimateSeconds"),
          },
        }
      : {}),
    ...ifDefined("promotedAt", ordered.find((record) => record.action === "database.promoted")?.at),
    ...(verified
      ? {
          verified: {
            at: recoveredAt(verified, request),
            ...numberField(verified.details?.rtoSeconds, "rtoSeconds"),
            ...rpoOf(verified.details?.rpoSeconds, "rpoSeconds"),
          },
        }
      : {}),
    ...ifDefined("initiator", initiator ? String(initiator.details?.initiator) : undefined),
    approvals,
    ...ifDefined(
      "lastAt",
      (ordered.find(isRunEnd) ?? ordered.filter((record) => record.kind !== "evidence").at(-1))?.at,
    ),
  };
}

export function isAccepted(record: AuditRecord): boolean {
  return record.kind === "execution" && /^(failover|failback)\.accepted$/.test(record.action);
}

/** The first step's refusal: a decision, not an execution record, since no run was ever accepted. */
function isRequestRefusal(record: AuditRecord): boolean {
  return (
    record.kind === "decision" &&
    /^(failover|failback)\.rejected$/.test(record.action) &&
    record.details?.approver === undefined
  );
}

/** The record that closes a run: written once, by the step that ended it. */
export function isRunEnd(record: AuditRecord): boolean {
  return (
    record.kind === "execution" &&
    /^(failover|failback)\.(succeeded|aborted|escalated|cleared)$/.test(record.action)
  );
}

function outcomeOf(
  records: readonly AuditRecord[],
  accepted: AuditRecord | undefined,
  refusal: AuditRecord | undefined,
  approvals: readonly RecordedApproval[],
): RunOutcome {
  const end = records.find(isRunEnd);
  if (!end) {
    return !accepted && refusal
      ? { kind: "refused", stage: "request", at: refusal.at, reason: refusal.error?.message ?? "" }
      : { kind: "inProgress" };
  }
  const status = end.action.split(".")[1];
  const details = end.details ?? {};
  const reason = end.error?.message ?? (typeof details.reason === "string" ? details.reason : "");
  const activeRegion = typeof details.activeRegion === "string" ? details.activeRegion : undefined;
  const compensated = Array.isArray(details.compensated) ? details.compensated.map(String) : [];
  const rest = { at: end.at, reason, compensated, ...(activeRegion ? { activeRegion } : {}) };
  const errorName = end.error?.name ?? "";
  if (status === "succeeded")
    return { kind: "succeeded", at: end.at, ...(activeRegion ? { activeRegion } : {}) };
  if (status === "cleared") return { kind: "cleared", at: end.at, ...(reason ? { reason } : {}) };
  if (DATA_LOSS_ERRORS.has(errorName)) return { kind: "notApproved", question: "data-loss", ...rest };
  if (status === "escalated") return { kind: "escalated", ...rest };
  const asked = records.some((record) => /^(failover|failback)\.approval-requested$/.test(record.action));
  const refusedByPerson = approvals.some(
    (approval) => approval.question === "failover" && approval.decision === "rejected",
  );
  // A timeout means "no one answered" only where a person was asked; a pre-check can time out too.
  if (errorName === "ApprovalRejected" || (asked && (APPROVAL_ERRORS.has(errorName) || refusedByPerson)))
    return { kind: "notApproved", question: "failover", ...rest };
  return { kind: "refused", stage: "precheck", at: end.at, reason };
}

/**
 * The instant the workflow measured recovery at: the trigger's time plus the RTO it recorded, so the
 * report's recovery time and its RTO agree to the second (the record itself is written a moment later).
 */
function recoveredAt(verified: AuditRecord, request: RecordedRequest | undefined): string {
  const rto = verified.details?.rtoSeconds;
  const from = request?.trigger.detectedAt;
  if (typeof rto !== "number" || !from) return verified.at;
  return new Date(Date.parse(from) + Math.round(rto * 1000)).toISOString();
}

function readApproval(record: AuditRecord): RecordedApproval[] {
  const match = /^(?:failover|failback|database\.data-loss)[.-](approved|rejected)$/.exec(record.action);
  const who = record.details?.approver;
  if (record.kind !== "decision" || !match || typeof who !== "string") return [];
  const reason = record.details?.reason;
  return [
    {
      at: record.at,
      who,
      decision: match[1] === "approved" ? "approved" : "rejected",
      question: record.action.startsWith("database.") ? "data-loss" : "failover",
      ...(typeof reason === "string" ? { reason } : {}),
    },
  ];
}

function readRequest(value: unknown): RecordedRequest | undefined {
  if (!isObject(value)) return undefined;
  const kind = kindOf(typeof value.kind === "string" ? `${value.kind}.` : undefined);
  if (!kind || typeof value.sourceRegion !== "string" || typeof value.targetRegion !== "string")
    return undefined;
  const trigger = isObject(value.trigger) ? value.trigger : {};
  const text = (key: string) => (typeof trigger[key] === "string" ? { [key]: trigger[key] as string } : {});
  const evaluation = isObject(trigger.evaluation) ? trigger.evaluation : undefined;
  return {
    kind,
    sourceRegion: value.sourceRegion,
    targetRegion: value.targetRegion,
    trigger: {
      ...(trigger.type === "alarm" || trigger.type === "manual" ? { type: trigger.type } : {}),
      ...text("alarmName"),
      ...text("alarmRegion"),
      ...text("reason"),
      ...text("ticket"),
      ...text("detectedAt"),
      ...(evaluation && positive(evaluation.periodSeconds) && positive(evaluation.evaluationPeriods)
        ? {
            evaluation: {
              periodSeconds: evaluation.periodSeconds,
              evaluationPeriods: evaluation.evaluationPeriods,
            },
          }
        : {}),
    },
  };
}

function kindOf(action: string | undefined): WorkflowKind | undefined {
  if (action?.startsWith("failover.")) return "failover";
  if (action?.startsWith("failback.")) return "failback";
  return undefined;
}

function rpoOf<K extends string>(value: unknown, key: K): { [P in K]?: number | null } {
  if (value === null) return { [key]: null } as { [P in K]?: number | null };
  return numberField(value, key);
}

function numberField<K extends string>(value: unknown, key: K): { [P in K]?: number } {
  return (typeof value === "number" && Number.isFinite(value) ? { [key]: value } : {}) as {
    [P in K]?: number;
  };
}

function ifDefined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function positive(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
