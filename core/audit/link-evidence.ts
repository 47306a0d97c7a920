import type { Clock } from "../clock.js";
import type { AuditPort, AuditReaderPort, AuditRecord } from "../ports/audit.js";
import type { EvidencePort, TrailEvidence } from "../ports/evidence.js";

/**
 * CloudTrail delivers an event about 5 minutes after the call on average, without a guarantee; only
 * past this window does a missing event count as missing rather than late.
 */
export const DELIVERY_WINDOW_MS = 15 * 60_000;
/** How far around a record's time its CloudTrail event may lie (the record is written after the call). */
const MATCH_SLACK_MS = 2 * 60_000;

export interface EvidenceDeps {
  audit: AuditPort & AuditReaderPort;
  evidence: EvidencePort;
  clock: Clock;
  /** The linker's own identity, for the records it appends. */
  actor: string;
}

export interface LinkResult {
  linked: number;
  /** Calls whose event has not arrived yet but may still, within the delivery window. */
  waiting: AuditRecord[];
  /** Calls whose event has not arrived within the delivery window. */
  missing: AuditRecord[];
  /** Workflows started by hand whose initiator was read from CloudTrail in this run. */
  initiators: Array<{ executionId: string; initiator: string }>;
}

/**
 * Links kirikae's records to CloudTrail's, appending (the trail is append-only) one `evidence` record
 * per matched call with the event's ID, time and caller identity.
 *   1. outcome records with a request ID and no evidence yet, grouped by region and API action, so each
 *      group is one paced LookupEvents query over the window its calls span
 *   2. the event whose requestID equals the record's is its evidence
 *   3. for a workflow started by hand, the StartExecution event names who started it: the IAM identity,
 *      not whatever the input claimed
 */
/**
 * Calls that are not CloudTrail management events (CloudTrail records them, if at all, as data events,
 * which LookupEvents never returns): a gate's PutMetricData (CloudWatch user guide, "Logging Amazon
 * CloudWatch API calls with AWS CloudTrail"), PutObject (S3 user guide, "CloudTrail data events") or a
 * custom step's Invoke (Lambda developer guide, "Logging AWS Lambda API calls using AWS CloudTrail":
 * Invoke is a data event). Their audit records stand on their own: the gate's alarm history, or the
 * function's own logs and result kept in the record, witness them.
 */
const DATA_EVENT_ACTIONS = new Set(["cloudwatch:PutMetricData", "s3:PutObject", "lambda:InvokeFunction"]);

export async function linkEvidence(deps: EvidenceDeps, plan: string): Promise<LinkResult> {
  const chain = await deps.audit.chain(plan);
  const linkedIds = new Set(
    chain.filter((record) => record.kind === "evidence").map((record) => record.requestId),
  );
  const open = chain.filter(
    (record) =>
      record.kind === "outcome" &&
      record.requestId &&
      record.region &&
      !linkedIds.has(record.requestId) &&
      !DATA_EVENT_ACTIONS.has(record.action) &&
      // A Kubernetes API call is no AWS API call: the cluster's own audit log (EKS control plane logging)
      // holds it under the same Audit-Id, CloudTrail never does.
      !record.action.startsWith("k8s:"),
  );
  const now = deps.clock.now();
  const result: LinkResult = { linked: 0, waiting: [], missing: [], initiators: [] };

  for (const group of groupBy(open, (record) => `${record.region}|${eventNameOf(record.action)}`).values()) {
    const [first] = group;
    if (!first?.region) continue;
    const times = group.map((record) => new Date(record.at).getTime());
    const events = await deps.evidence.events({
      region: first.region,
      eventName: eventNameOf(first.action),
      start: new Date(Math.min(...times) - MATCH_SLACK_MS),
      end: new Date(Math.max(...times) + MATCH_SLACK_MS),
    });
    const byRequestId = new Map(events.map((event) => [event.requestId, event]));
    for (const record of group) {
      const event = byRequestId.get(record.requestId);
      if (event) {
        await appendEvidence(deps, record, event, {});
        result.linked += 1;
      } else if (record.outcome === "ok") {
        (now.getTime() - new Date(record.at).getTime() > DELIVERY_WINDOW_MS
          ? result.missing
          : result.waiting
        ).push(record);
      }
    }
  }
  result.initiators = await linkInitiators(deps, chain);
  return result;
}

/** Reads who started each hand-started execution from its StartExecution event. */
async function linkInitiators(deps: EvidenceDeps, chain: AuditRecord[]): Promise<LinkResult["initiators"]> {
  const known = new Set(
    chain
      .filter((record) => record.kind === "evidence" && record.action === "states:StartExecution")
      .map((record) => record.executionId),
  );
  const manual = chain.filter(
    (record) =>
      record.kind === "execution" &&
      record.action.endsWith(".accepted") &&
      (record.details?.request as { trigger?: { type?: string } } | undefined)?.trigger?.type === "manual" &&
      !known.has(record.executionId),
  );
  const found: LinkResult["initiators"] = [];
  for (const record of manual) {
    // arn:<partition>:states:<region>:<account>:execution:<machine>:<name>. Each plan has its own machines
    // (kirikae-<stage>-<plan>-<kind>), so the start is matched on the whole ARN of the execution's machine:
    // an execution of the same name on another plan's machine, or in another account, is not this one.
    const [arn, partition, service, region = "", account, , stateMachine = "", name = ""] =
      record.executionId.split(":");
    const machineArn = [arn, partition, service, region, account, "stateMachine", stateMachine].join(":");
    const at = new Date(record.at).getTime();
    const events = await deps.evidence.events({
      region,
      eventName: "StartExecution",
      start: new Date(at - MATCH_SLACK_MS),
      end: new Date(at + MATCH_SLACK_MS),
    });
    const start = events.find(
      (event) =>
        event.requestParameters?.name === name &&
        String(event.requestParameters?.stateMachineArn ?? "") === machineArn,
    );
    if (!start?.userIdentityArn) continue;
    await appendEvidence(deps, { ...record, action: "states:StartExecution", region }, start, {
      initiator: start.userIdentityArn,
    });
    found.push({ executionId: record.executionId, initiator: start.userIdentityArn });
  }
  return found;
}

async function appendEvidence(
  deps: EvidenceDeps,
  record: AuditRecord,
  event: TrailEvidence,
  extra: Record<string, unknown>,
): Promise<void> {
  await deps.audit.append({
    plan: record.plan,
    executionId: record.executionId,
    kind: "evidence",
    action: record.action,
    actor: deps.actor,
    at: deps.clock.now().toISOString(),
    ...(record.resource ? { resource: record.resource } : {}),
    ...(record.region ? { region: record.region } : {}),
    ...(event.requestId ? { requestId: event.requestId } : {}),
    outcome: "ok",
    details: {
      refersToSeq: record.seq,
      eventId: event.eventId,
      eventTime: event.eventTime,
      userIdentity: event.userIdentityArn,
      ...(event.errorCode ? { errorCode: event.errorCode } : {}),
      ...extra,
    },
  });
}

/** "rds:SwitchoverGlobalCluster" -> "SwitchoverGlobalCluster": CloudTrail's eventName. */
export function eventNameOf(action: string): string {
  return action.split(":").pop() ?? action;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
