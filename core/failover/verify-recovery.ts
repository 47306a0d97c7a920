import { recordDecision } from "../audit/audited-action.js";
import type { Plan } from "../plan/schema.js";
import type { DnsAnswersPort } from "../ports/dns-answers.js";
import type { GlobalDatabasePort } from "../ports/global-database.js";
import { answerReaches } from "../traffic/answer-reaches.js";
import { trafficMode } from "../traffic/gates.js";
import { blocks, type CheckResult } from "../workflow/check-result.js";
import { rollbackDeadline, type StepContext } from "../workflow/step-context.js";
import { RollbackTriggerExceeded } from "../workflow/workflow-errors.js";
import { WriterConflict } from "../workflow/writer-conflict.js";
import { type HealthCheckReader, healthCheckChecks } from "./health-check-reads.js";
import { memberArn } from "./plan-lookup.js";
import { type CapacityDeps, fullCapacityChecks } from "./scale-nodegroups.js";

export interface VerificationProgress {
  status: "pending" | "done";
  /** Trigger (alarm or request) to traffic switched and the target verified healthy, as users feel it. */
  rtoSeconds?: number;
  rpoSeconds?: number;
  objectivesMet?: { rto: boolean; rpo: boolean };
  verifiedAt?: string;
  /** What this poll read, required and advisory, so a stuck verification says what it waits for. */
  checks?: CheckResult[];
  pollAfterSeconds?: number;
}

export interface VerifyDeps {
  /** Required: the global cluster, read through the target region's endpoint. */
  database: GlobalDatabasePort;
  /** Route 53's data plane: what the zone's authoritative name servers answer now. */
  answers: DnsAnswersPort;
  /**
   * Advisory: health-check status is only served by Route 53's API in us-east-1; back this with probe
   * clients so an outage there costs seconds and is recorded, never waited on.
   */
  healthChecks: HealthCheckReader;
  /**
   * The target cluster's Kubernetes API: when the plan let traffic move at a share of its capacity
   * (compute.trafficAtCapacity below 1), recovery is verified only once all of it is Ready.
   */
  kubernetes?: CapacityDeps["kubernetes"];
}

export const VERIFY_POLL_SECONDS = 10;

/**
 * Recovery is measured as users feel it, on what the recovery region and the data plane say:
 *   1. required: the target cluster is the writer (read fresh in the target region), and the only member
 *      claiming to be: two claimants throw WriterConflict (invariant 7)
 *   2. gates mode: required, the zone's authoritative name servers answer every record with the target
 *      region's value; the target's health checks are read afterwards, advisory, only recorded
 *      record-edits mode: the target's health checks are healthy (advisory: unhealthy keeps polling, no
 *      answer from us-east-1 does not)
 *   3. a plan that let traffic move at a share of its capacity: required, all of it is Ready
 *   4. not there yet: poll again, until the rollback trigger
 *   5. achieved RTO = verified - trigger time; RPO = the estimate recorded before promotion
 */
export async function verifyRecovery(
  context: StepContext,
  deps: VerifyDeps,
  promotion: { rpoEstimateSeconds?: number | null } | undefined,
): Promise<VerificationProgress> {
  const { plan, request } = context;
  const gates = trafficMode(plan) === "gates";
  const checks = [await checkWriter(plan, request.targetRegion, deps.database)];
  if (checks.every((check) => check.ok)) {
    checks.push(
      ...(gates
        ? await checkAnswers(plan, request.targetRegion, deps.answers)
        : await healthCheckChecks(plan, request.targetRegion, deps.healthChecks)),
    );
  }
  if (deps.kubernetes && plan.compute.trafficAtCapacity < 1 && checks.every((check) => check.ok)) {
    checks.push(...(await fullCapacityChecks(plan, request.targetRegion, { kubernetes: deps.kubernetes })));
  }
  if (checks.some(blocks)) {
    const deadline = rollbackDeadline(context);
    const targetArn = memberArn(plan, request.targetRegion);
    if (context.clock.now() > deadline) throw new RollbackTriggerExceeded(deadline, { resource: targetArn });
    return { status: "pending", checks, pollAfterSeconds: VERIFY_POLL_SECONDS };
  }
  // Users are served once the writer and DNS agree; what us-east-1's API says afterwards is only recorded.
  const verifiedAt = context.clock.now();
  if (gates) checks.push(...(await healthCheckChecks(plan, request.targetRegion, deps.healthChecks)));
  const rtoSeconds = (verifiedAt.getTime() - new Date(request.trigger.detectedAt).getTime()) / 1000;
  // Unknown lag stays unknown (null) in the record and the report, never 0.
  const rpoSeconds = promotion?.rpoEstimateSeconds === undefined ? 0 : promotion.rpoEstimateSeconds;
  const objectivesMet = {
    rto: rtoSeconds <= plan.objectives.rtoMinutes * 60,
    rpo: rpoSeconds !== null && rpoSeconds <= plan.objectives.rpoMinutes * 60,
  };
  await recordDecision(context, {
    action: "recovery.verified",
    resource: plan.name,
    details: { rtoSeconds, rpoSeconds, objectivesMet, objectives: plan.objectives, checks },
  });
  return {
    status: "done",
    rtoSeconds,
    ...(rpoSeconds === null ? {} : { rpoSeconds }),
    objectivesMet,
    verifiedAt: verifiedAt.toISOString(),
    checks,
  };
}

async function checkWriter(plan: Plan, region: string, database: GlobalDatabasePort): Promise<CheckResult> {
  const global = await database.describe(plan.database.globalClusterIdentifier, region);
  const targetArn = memberArn(plan, region);
  const claimants = global.members.filter((member) => member.isWriter);
  // Aurora fences an old primary only on a best-effort basis: a second claimant means writes may be
  // landing in two places, which no amount of polling makes safe to call recovered.
  if (claimants.length > 1) {
    throw new WriterConflict(
      claimants.map((member) => member.clusterArn),
      { resource: plan.database.globalClusterIdentifier },
    );
  }
  const [writer] = claimants;
  const ok = writer?.clusterArn === targetArn;
  return {
    name: "database.writer",
    ok,
    required: true,
    region,
    detail: ok
      ? `${targetArn} is the writer`
      : `the writer is ${writer?.clusterArn ?? "no cluster"}, not ${targetArn}`,
  };
}

/** The data plane's answer, as resolvers get it; a server that does not answer yet means poll again. */
async function checkAnswers(plan: Plan, region: string, answers: DnsAnswersPort): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  for (const record of plan.dns.records) {
    const target = record.targets[region];
    const expected = target?.alias?.dnsName ?? target?.value ?? "";
    const base = { name: `dns.answer.${record.name}`, required: true, region: "global" };
    try {
      const answer = await answers.answer(record.name, record.type);
      const ok = await answerReaches(answers, record, region, answer);
      checks.push({
        ...base,
        ok,
        detail: `the authoritative name servers answer ${record.name} ${record.type} with ${answer.join(", ") || "nothing"}${ok ? "" : `, not yet ${expected}`}`,
      });
    } catch (error) {
      checks.push({
        ...base,
        ok: false,
        detail: `no answer for ${record.name} ${record.type} from the authoritative name servers yet: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  return checks;
}
