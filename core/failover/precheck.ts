import { recordDecision } from "../audit/audited-action.js";
import { databaseViews } from "../blocks/block-views.js";
import type { Plan } from "../plan/schema.js";
import type { ClusterStatusPort } from "../ports/cluster-status.js";
import type { ComputePort } from "../ports/compute.js";
import type { GlobalDatabasePort } from "../ports/global-database.js";
import { blocks, type CheckResult } from "../workflow/check-result.js";
import type { StepContext } from "../workflow/step-context.js";
import { isHealthyClusterStatus } from "./cluster-statuses.js";
import { type HealthCheckReader, healthCheckChecks } from "./health-check-reads.js";
import { clusterFor, memberArn } from "./plan-lookup.js";

export type { CheckResult };

export interface PrecheckDeps {
  /** Required reads, through the target region's own endpoints. */
  database: GlobalDatabasePort;
  clusters: ClusterStatusPort;
  compute: ComputePort;
  /**
   * Advisory: health-check status is only served by Route 53's API in us-east-1, which an outage may
   * take down; back this with probe clients so a dead us-east-1 costs seconds.
   */
  healthChecks: HealthCheckReader;
}

export interface PrecheckResult {
  ok: boolean;
  checks: CheckResult[];
  /** The first check that stops the run, in words, for the console and the audit trail. */
  reason?: string;
}

/**
 * Is the region being activated able to take over? Read-only. Required checks only call the target
 * region; the rest is advisory (invariant 5: neither the failed region nor us-east-1's control planes
 * are on the critical path).
 *   1. the target cluster is a member of the global database (or already its writer) and available
 *   2. recorded: its replication lag against the plan's RPO, from the metric its engine has (unknown
 *      when there is no datapoint); the promotion's data-loss policy decides what a lag means
 *   3. the target EKS cluster is ACTIVE and each nodegroup exists with max >= its active size
 *   4. advisory: the target's health checks, read from Route 53's API in us-east-1; unhealthy stops the
 *      run, no answer is recorded and does not
 * A failed check changes nothing; the result names exactly which check failed.
 */
export async function precheck(context: StepContext, deps: PrecheckDeps): Promise<PrecheckResult> {
  const { plan, request } = context;
  const databases: CheckResult[] = [];
  // Every Aurora block of the plan: the application needs all of its databases in the region it moves to.
  for (const view of databaseViews(plan))
    databases.push(...(await checkDatabase(view, request.targetRegion, deps)));
  const checks = [
    ...databases,
    ...(await checkCompute(plan, request.targetRegion, deps.compute)),
    ...(await healthCheckChecks(plan, request.targetRegion, deps.healthChecks)),
  ];
  const failed = checks.find(blocks);
  const result: PrecheckResult = failed
    ? { ok: false, checks, reason: `${failed.name}: ${failed.detail}` }
    : { ok: true, checks };
  await recordDecision(context, {
    action: result.ok ? "precheck.passed" : "precheck.failed",
    resource: plan.database.globalClusterIdentifier,
    outcome: result.ok ? "ok" : "failed",
    details: { checks, ...(result.reason === undefined ? {} : { reason: result.reason }) },
  });
  return result;
}

async function checkDatabase(
  plan: Plan,
  region: string,
  { database, clusters }: Pick<PrecheckDeps, "database" | "clusters">,
): Promise<CheckResult[]> {
  const required = { required: true, region };
  const targetArn = memberArn(plan, region);
  const global = await database.describe(plan.database.globalClusterIdentifier, region);
  const member = global.members.find((candidate) => candidate.clusterArn === targetArn);
  const checks: CheckResult[] = [];
  if (!member) {
    checks.push({
      name: "database.member",
      ok: false,
      ...required,
      detail: `${targetArn} is not a member of ${global.identifier}`,
    });
    return checks;
  }
  checks.push({
    name: "database.member",
    ok: true,
    ...required,
    detail: member.isWriter
      ? `${region} is already the writer`
      : `${region} is a secondary of ${global.identifier}`,
  });
  const status = await clusters.status(targetArn);
  checks.push({
    name: "database.available",
    ok: isHealthyClusterStatus(status),
    ...required,
    detail: `the target cluster is ${status}`,
  });
  if (member.isWriter) return checks;
  // Recorded, not blocking: what lag a failover may lose is the data-loss policy's decision, made at
  // promotion time (a switchover loses nothing whatever the lag), and unknown stays unknown.
  const lag = await database.replicationLag(targetArn, {
    engine: global.engine,
    engineVersion: global.engineVersion,
  });
  const rpoMs = plan.objectives.rpoMinutes * 60_000;
  const against = `against an RPO of ${plan.objectives.rpoMinutes} min`;
  checks.push({
    name: "database.lag",
    // A required read (the recovery region's CloudWatch), whose value is recorded and never blocks.
    ok: true,
    required: true,
    region,
    detail:
      lag.ms === null
        ? `replication lag unknown: no ${lag.metric} datapoint; a failover with data loss could not be bounded (recorded, the data-loss policy decides)`
        : `replication lag ${(lag.ms / 1000).toFixed(1)} s (${lag.metric}) ${against}${lag.ms > rpoMs ? ": above it, so only a switchover or the data-loss policy's approval can promote" : ""}`,
  });
  return checks;
}

async function checkCompute(plan: Plan, region: string, compute: ComputePort): Promise<CheckResult[]> {
  const required = { required: true, region };
  const cluster = clusterFor(plan, region);
  const status = await compute.clusterStatus(region, cluster.name);
  const checks: CheckResult[] = [
    {
      name: "compute.cluster",
      ok: status === "ACTIVE",
      ...required,
      detail: `EKS cluster ${cluster.name} is ${status}`,
    },
  ];
  const existing = new Set(await compute.nodegroups(region, cluster.name));
  for (const nodegroup of cluster.nodegroups) {
    const name = `compute.nodegroup.${nodegroup.name}`;
    if (!existing.has(nodegroup.name)) {
      checks.push({
        name,
        ok: false,
        ...required,
        detail: `nodegroup ${nodegroup.name} does not exist in ${cluster.name}`,
      });
      continue;
    }
    const state = await compute.nodegroup(region, cluster.name, nodegroup.name);
    checks.push({
      name,
      ok: state.maxSize >= nodegroup.activeSize,
      ...required,
      detail: `max size ${state.maxSize}, active size ${nodegroup.activeSize}`,
    });
  }
  return checks;
}
