import { auditedAction, recordDecision } from "../audit/audited-action.js";
import type { DnsRecord, Plan } from "../plan/schema.js";
import type { DnsPort, RecordChange, RecordSet } from "../ports/dns.js";
import type { GlobalDatabasePort } from "../ports/global-database.js";
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
  changeIds: string[];
  startedAt?: string;
  /** When Route 53 first answered with the target region for every record. */
  switchedAt?: string;
  pollAfterSeconds?: number;
}

export const TRAFFIC_POLL_SECONDS = 5;
/** Route 53 record changes are served, and recorded by CloudTrail, in us-east-1. */
const ROUTE53_CONTROL_PLANE_REGION = "us-east-1";

/**
 * Moves the plan's DNS to the target region.
 *   1. past the rollback trigger: stop and escalate without touching DNS
 *   2. invariant 1: the target cluster must be the confirmed writer, read fresh, or nothing changes
 *   3. per record: read what Route 53 holds; submit one atomic batch only where it differs from the
 *      target state (failover: swap PRIMARY/SECONDARY; weighted: target gets the weight, source 0)
 *   4. poll until every change is INSYNC and Route 53 answers with the target region's values
 * Record edits go through Route 53's control plane in us-east-1; answers come from its data plane.
 */
export async function switchTraffic(
  context: StepContext,
  deps: { dns: DnsPort; database: GlobalDatabasePort },
  previous: TrafficProgress | undefined,
): Promise<TrafficProgress> {
  const { plan, request } = context;
  const startedAt = previous?.startedAt ?? context.clock.now().toISOString();
  if (previous?.changeIds.length) {
    return confirmSwitch(context, deps.dns, { ...previous, startedAt });
  }
  const deadline = rollbackDeadline(context);
  if (context.clock.now() > deadline)
    throw new RollbackTriggerExceeded(deadline, { resource: plan.dns.hostedZoneId });
  await requireWriter(context, deps.database);

  const changeIds: string[] = [];
  for (const record of plan.dns.records) {
    const current = await deps.dns.listRecords(plan.dns.hostedZoneId, record.name, record.type);
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
        deps.dns.changeRecords(
          plan.dns.hostedZoneId,
          changes,
          `kirikae ${request.kind} of ${plan.name} to ${request.targetRegion} (${context.execution.id})`,
        ),
    );
    changeIds.push(receipt.changeId);
  }
  return confirmSwitch(context, deps.dns, { status: "pending", changeIds, startedAt });
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
  dns: DnsPort,
  progress: TrafficProgress,
): Promise<TrafficProgress> {
  const { plan, request } = context;
  for (const changeId of progress.changeIds) {
    if (!(await dns.changeInSync(changeId))) return pending(progress);
  }
  for (const record of plan.dns.records) {
    const expected = record.targets[request.targetRegion]?.value;
    const answer = await dns.answer(plan.dns.hostedZoneId, record.name, record.type);
    if (expected === undefined || !answer.map(normalise).includes(normalise(expected)))
      return pending(progress);
  }
  const switchedAt = progress.switchedAt ?? context.clock.now().toISOString();
  await recordDecision(context, {
    action: "traffic.switched",
    resource: plan.dns.hostedZoneId,
    after: { region: request.targetRegion, records: plan.dns.records.map((record) => record.name) },
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
    ttl: record.ttlSeconds,
    values: [target.value],
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
    a.values.map(normalise).sort().join() === b.values.map(normalise).sort().join()
  );
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}
