import { auditedAction, recordDecision } from "../audit/audited-action.js";
import type { DnsRecord, Plan } from "../plan/schema.js";
import type { DnsPort, RecordChange, RecordSet } from "../ports/dns.js";
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
import { memberArn } from "./plan-lookup.js";

export interface TrafficProgress {
  status: "pending" | "done";
  /** "gates": the gates were flipped; "record-edits": the records were changed by these batches. */
  mode?: "gates" | "record-edits";
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
 * Moves the plan's users to the target region.
 *   1. past the rollback trigger: stop and escalate without touching traffic
 *   2. invariant 1: the target cluster must be the confirmed writer, read fresh in the target region, or
 *      nothing changes
 *   3. gates (default): in one request, close the source region's gate and open the target's, through
 *      regional endpoints; Route 53's data plane follows, nothing edits a record. Record edits: per record,
 *      read what Route 53 holds and submit one batch only where it differs (us-east-1's control plane)
 *   4. poll until the zone's authoritative name servers answer every record with the target's value (and,
 *      for record edits, every change is INSYNC): confirmed on the data plane, as users resolve it
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
  const changeIds: string[] = [];
  for (const record of plan.dns.records) {
    const current = await dns.listRecords(plan.dns.hostedZoneId, record.name, record.type);
    const changes = changesFor(plan, record, request.targetRegion, current);
    if (changes.length === 0) continue;
    const receipt = await auditedAction(
      context,
      {
        action: "route53:ChangeResourceRecordSets",
        resource: `${plan.dns.hostedZoneId}/${record.name}`,
        region: ROUTE53_CONTROL_PLANE_REGION,
        before: current,
        after: changes.map((change) => change.record),
      },
      () =>
        dns.changeRecords(
          plan.dns.hostedZoneId,
          changes,
          `kirikae ${request.kind} of ${plan.name} to ${request.targetRegion} (${context.execution.id})`,
        ),
    );
    changeIds.push(receipt.changeId);
  }
  return { status: "pending", mode: "record-edits", changeIds, startedAt };
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
  const answers: Record<string, string[]> = {};
  for (const record of plan.dns.records) {
    const answer = await deps.answers.answer(record.name, record.type);
    answers[record.name] = answer;
    if (!(await answerReaches(deps.answers, record, request.targetRegion, answer))) return pending(progress);
  }
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
