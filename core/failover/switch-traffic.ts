import { auditedAction, recordDecision } from "../audit/audited-action.js";
import type { DnsRecord, Plan } from "../plan/schema.js";
import type { DnsPort, RecordChange, RecordKey, RecordSet } from "../ports/dns.js";
import type { DnsAnswersPort } from "../ports/dns-answers.js";
import type { GlobalDatabasePort } from "../ports/global-database.js";
import type { TrafficGatesPort } from "../ports/traffic-gates.js";
import { answerReaches } from "../traffic/answer-reaches.js";
import { trafficMode } from "../traffic/gates.js";
import { moveGates } from "../traffic/move-gates.js";
import { settled } from "../workflow/polling.js";
import { rollbackDeadline, type StepContext } from "../workflow/step-context.js";
import {
  InvalidWorkflowInput,
  RollbackTriggerExceeded,
  WriterNotConfirmed,
} from "../workflow/workflow-errors.js";
import { inParallel } from "./in-parallel.js";
import { memberArn } from "./plan-lookup.js";

export interface TrafficProgress {
  status: "pending" | "done";
  /** "gates": the gates were flipped; "record-edits": the records were changed by these batches. */
  mode?: "gates" | "record-edits";
  /** One per change batch: a zone's records go in one batch unless Route 53's limits on a request split it. */
  changeIds: string[];
  startedAt?: string;
  /** When the gates were set, in gate mode. */
  gatesSetAt?: string;
  /** When the zone's name servers first answered with the target region for every record. */
  switchedAt?: string;
  pollAfterSeconds?: number;
}

export interface SwitchTrafficDeps {
  dns: DnsPort;
  database: GlobalDatabasePort;
  gates: TrafficGatesPort;
  answers: DnsAnswersPort;
}

export const TRAFFIC_POLL_SECONDS = 5;
/** Route 53 record changes are served, and recorded by CloudTrail, in us-east-1. */
const ROUTE53_CONTROL_PLANE_REGION = "us-east-1";
/**
 * Route 53's maximums on one ChangeResourceRecordSets request: 1,000 ResourceRecord elements, and 32,000
 * characters over all Value elements; an UPSERT counts each of both twice (Route 53 Developer Guide,
 * "Quotas", Maximums on API requests,
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html).
 */
export const CHANGE_BATCH_LIMITS = { resourceRecords: 1_000, valueCharacters: 32_000 } as const;
/** Name-server queries in flight at once while confirming a switch: answers for hundreds of records in seconds. */
const ANSWER_QUERIES_IN_FLIGHT = 16;

/**
 * Moves the plan's users to the target region.
 *   1. past the rollback trigger: stop and escalate without touching traffic
 *   2. invariant 1: the target cluster must be the confirmed writer, read fresh in the target region, or
 *      nothing changes
 *   3. gates (default): in one request, close the source region's gate and open the target's, through
 *      regional endpoints; Route 53's data plane follows, nothing edits a record. Record edits: read what
 *      Route 53 holds for all the plan's records together, and submit what differs as one change batch
 *      for the zone (split only where Route 53's limits on a request require), one audited action per
 *      batch naming its records (us-east-1's control plane). One batch is applied all or nothing, so a
 *      failover record's PRIMARY and SECONDARY always move together, and there is one change ID to poll
 *   4. poll until the zone's authoritative name servers answer every record with the target's value (and,
 *      for record edits, every batch is INSYNC): confirmed on the data plane, as users resolve it
 */
export async function switchTraffic(
  context: StepContext,
  deps: SwitchTrafficDeps,
  previous: TrafficProgress | undefined,
): Promise<TrafficProgress> {
  const { plan } = context;
  const startedAt = previous?.startedAt ?? context.clock.now().toISOString();
  if (previous?.changeIds.length || previous?.gatesSetAt) {
    return confirmSwitch(context, deps, { ...previous, startedAt });
  }
  const deadline = rollbackDeadline(context);
  if (context.clock.now() > deadline)
    throw new RollbackTriggerExceeded(deadline, { resource: plan.dns.hostedZoneId });
  await requireWriter(context, deps.database);
  const progress =
    trafficMode(plan) === "gates"
      ? await gatesMoved(context, deps.gates, startedAt)
      : await editRecords(context, deps.dns, startedAt);
  return confirmSwitch(context, deps, progress);
}

async function gatesMoved(
  context: StepContext,
  gates: TrafficGatesPort,
  startedAt: string,
): Promise<TrafficProgress> {
  const { request } = context;
  await moveGates(context, gates, { close: request.sourceRegion, open: request.targetRegion });
  return {
    status: "pending",
    mode: "gates",
    changeIds: [],
    startedAt,
    gatesSetAt: context.clock.now().toISOString(),
  };
}

async function editRecords(context: StepContext, dns: DnsPort, startedAt: string): Promise<TrafficProgress> {
  const { plan, request } = context;
  const zone = plan.dns.hostedZoneId;
  const held = await dns.listRecordsOf(
    zone,
    plan.dns.records.map((record) => ({ name: record.name, type: record.type })),
  );
  const edits = plan.dns.records
    .map((record) => {
      const current = held.filter((set) => sameKey(set, record));
      return { record, current, changes: changesFor(plan, record, request.targetRegion, current) };
    })
    .filter((edit) => edit.changes.length > 0);
  const batches = changeBatches(edits);
  const changeIds: string[] = [];
  for (const [index, batch] of batches.entries()) {
    const changes = batch.flatMap((edit) => edit.changes);
    const receipt = await auditedAction(
      context,
      {
        action: "route53:ChangeResourceRecordSets",
        resource: zone,
        region: ROUTE53_CONTROL_PLANE_REGION,
        before: batch.flatMap((edit) => edit.current),
        after: changes.map((change) => change.record),
        details: {
          records: batch.map((edit) => `${edit.record.name} ${edit.record.type}`),
          ...(batches.length > 1 ? { batch: `${index + 1} of ${batches.length}` } : {}),
        },
      },
      () =>
        dns.changeRecords(
          zone,
          changes,
          `kirikae ${request.kind} of ${plan.name} to ${request.targetRegion} (${context.execution.id})`,
        ),
    );
    changeIds.push(receipt.changeId);
  }
  return { status: "pending", mode: "record-edits", changeIds, startedAt };
}

/**
 * Packs records' changes into as few ChangeResourceRecordSets batches as Route 53's limits on a request
 * allow, in order. A record's changes are never split between batches: its sets must move together (two
 * PRIMARY failover records of one name at once is a batch Route 53 refuses). A record whose changes alone
 * exceed the limits goes in a batch of its own, for Route 53 to refuse with its own words. The limits also
 * bound a batch's audit records (its sets before and after) well inside DynamoDB's 400 KB item.
 */
export function changeBatches<T extends { changes: readonly RecordChange[] }>(edits: readonly T[]): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let used = { resourceRecords: 0, valueCharacters: 0 };
  for (const edit of edits) {
    const size = batchSize(edit.changes);
    const fits =
      used.resourceRecords + size.resourceRecords <= CHANGE_BATCH_LIMITS.resourceRecords &&
      used.valueCharacters + size.valueCharacters <= CHANGE_BATCH_LIMITS.valueCharacters;
    if (!fits && batch.length > 0) {
      batches.push(batch);
      batch = [];
      used = { resourceRecords: 0, valueCharacters: 0 };
    }
    batch.push(edit);
    used = {
      resourceRecords: used.resourceRecords + size.resourceRecords,
      valueCharacters: used.valueCharacters + size.valueCharacters,
    };
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * What changes count against Route 53's limits on a request. An alias has no Value elements; it is
 * counted as one value of its DNS name, erring towards smaller batches rather than a refused one.
 */
export function batchSize(changes: readonly RecordChange[]): {
  resourceRecords: number;
  valueCharacters: number;
} {
  let resourceRecords = 0;
  let valueCharacters = 0;
  for (const { action, record } of changes) {
    const weight = action === "UPSERT" ? 2 : 1;
    const values = record.alias ? [record.alias.dnsName] : record.values;
    resourceRecords += weight * values.length;
    valueCharacters += weight * values.reduce((sum, value) => sum + value.length, 0);
  }
  return { resourceRecords, valueCharacters };
}

function sameKey(set: RecordSet, key: RecordKey): boolean {
  return normalise(set.name) === normalise(key.name) && set.type === key.type;
}

async function requireWriter(context: StepContext, database: GlobalDatabasePort): Promise<void> {
  const { plan, request } = context;
  const targetArn = memberArn(plan, request.targetRegion);
  const global = await database.describe(plan.database.globalClusterIdentifier, request.targetRegion);
  const confirmed =
    global.failover === undefined &&
    global.members.some((member) => member.clusterArn === targetArn && member.isWriter);
  if (!confirmed) throw new WriterNotConfirmed(request.targetRegion, { resource: targetArn });
}

async function confirmSwitch(
  context: StepContext,
  deps: SwitchTrafficDeps,
  progress: TrafficProgress,
): Promise<TrafficProgress> {
  const { plan, request } = context;
  for (const changeId of progress.changeIds) {
    if (!(await deps.dns.changeInSync(changeId))) return pending(progress);
  }
  // Every record's answer is asked for at once: a plan with hundreds of records is confirmed in one poll.
  const checked = await inParallel(plan.dns.records, ANSWER_QUERIES_IN_FLIGHT, async (record) => {
    const answer = await deps.answers.answer(record.name, record.type);
    return { answer, reaches: await answerReaches(deps.answers, record, request.targetRegion, answer) };
  });
  if (!checked.every((check) => check.reaches)) return pending(progress);
  const answers: Record<string, string[]> = Object.fromEntries(
    plan.dns.records.map((record, index) => [record.name, checked[index]?.answer ?? []]),
  );
  const switchedAt = progress.switchedAt ?? context.clock.now().toISOString();
  await recordDecision(context, {
    action: "traffic.switched",
    resource: plan.dns.hostedZoneId,
    after: { region: request.targetRegion, mode: trafficMode(plan), answers },
  });
  return { ...settled(progress), status: "done", switchedAt };
}

function pending(progress: TrafficProgress): TrafficProgress {
  return { ...progress, status: "pending", pollAfterSeconds: TRAFFIC_POLL_SECONDS };
}

/** The record sets the target state needs, given what Route 53 holds now; empty when already there. */
export function changesFor(
  plan: Plan,
  record: DnsRecord,
  targetRegion: string,
  current: RecordSet[],
): RecordChange[] {
  const desired = plan.regions.map((region) =>
    desiredRecordSet(plan, record, region, region === targetRegion),
  );
  return desired
    .filter((wanted) => !current.some((existing) => sameRecordSet(existing, wanted)))
    .map((wanted) => ({ action: "UPSERT", record: wanted }));
}

function desiredRecordSet(plan: Plan, record: DnsRecord, region: string, isTarget: boolean): RecordSet {
  const target = record.targets[region];
  if (target === undefined)
    throw new InvalidWorkflowInput(`plan "${plan.name}" has no ${record.name} target in ${region}`);
  const base: RecordSet = {
    name: record.name,
    type: record.type,
    setIdentifier: target.setIdentifier,
    values: [target.value],
    // An alias has no TTL of its own: Route 53 uses the target's.
    ...(target.alias ? { alias: target.alias } : { ttl: record.ttlSeconds }),
    ...(target.healthCheckId === undefined ? {} : { healthCheckId: target.healthCheckId }),
  };
  return plan.dns.routing === "failover"
    ? { ...base, failover: isTarget ? "PRIMARY" : "SECONDARY" }
    : { ...base, weight: isTarget ? plan.dns.activeWeight : 0 };
}

function sameRecordSet(a: RecordSet, b: RecordSet): boolean {
  return (
    normalise(a.name) === normalise(b.name) &&
    a.type === b.type &&
    a.setIdentifier === b.setIdentifier &&
    a.ttl === b.ttl &&
    a.failover === b.failover &&
    a.weight === b.weight &&
    a.healthCheckId === b.healthCheckId &&
    a.alias?.evaluateTargetHealth === b.alias?.evaluateTargetHealth &&
    a.alias?.hostedZoneId === b.alias?.hostedZoneId &&
    a.values.map(normalise).sort().join() === b.values.map(normalise).sort().join()
  );
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}
