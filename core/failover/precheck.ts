import { recordDecision } from "../audit/audited-action.js";
import type { Plan } from "../plan/schema.js";
import type { ComputePort } from "../ports/compute.js";
import type { DnsPort } from "../ports/dns.js";
import type { GlobalDatabasePort } from "../ports/global-database.js";
import type { StepContext } from "../workflow/step-context.js";
import { clusterFor, memberArn } from "./plan-lookup.js";

export interface PrecheckDeps {
  database: GlobalDatabasePort;
  compute: ComputePort;
  dns: DnsPort;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PrecheckResult {
  ok: boolean;
  checks: CheckResult[];
  /** The first failed check, in words, for the console and the audit trail. */
  reason?: string;
}

/**
 * Is the region being activated able to take over? Read-only, and only ever calls the target region
 * (invariant 5: the failed region is not on the critical path).
 *   1. the target cluster is a member of the global database (or already its writer) and available
 *   2. its replication lag is within the plan's RPO
 *   3. the target EKS cluster is ACTIVE and each nodegroup exists with max >= its active size
 *   4. the target region's health checks are healthy
 * A failed check changes nothing; the result names exactly which check failed.
 */
export async function precheck(context: StepContext, deps: PrecheckDeps): Promise<PrecheckResult> {
  const { plan, request } = context;
  const checks = [
    ...(await checkDatabase(plan, request.targetRegion, deps.database)),
    ...(await checkCompute(plan, request.targetRegion, deps.compute)),
    ...(await checkHealth(plan, request.targetRegion, deps.dns)),
  ];
  const failed = checks.find((check) => !check.ok);
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
  database: GlobalDatabasePort,
): Promise<CheckResult[]> {
  const targetArn = memberArn(plan, region);
  const global = await database.describe(plan.database.globalClusterIdentifier, region);
  const member = global.members.find((candidate) => candidate.clusterArn === targetArn);
  const checks: CheckResult[] = [];
  if (!member) {
    checks.push({
      name: "database.member",
      ok: false,
      detail: `${targetArn} is not a member of ${global.identifier}`,
    });
    return checks;
  }
  checks.push({
    name: "database.member",
    ok: true,
    detail: member.isWriter
      ? `${region} is already the writer`
      : `${region} is a secondary of ${global.identifier}`,
  });
  const available = await database.clusterAvailable(targetArn);
  checks.push({
    name: "database.available",
    ok: available,
    detail: available ? "the target cluster is available" : "the target cluster is not available",
  });
  if (member.isWriter) return checks;
  const lagMs = await database.replicationLagMs(targetArn);
  const rpoMs = plan.objectives.rpoMinutes * 60_000;
  checks.push(
    lagMs === undefined
      ? {
          name: "database.lag",
          ok: false,
          detail: "no replication lag reported by CloudWatch (AuroraGlobalDBRPOLag)",
        }
      : {
          name: "database.lag",
          ok: lagMs <= rpoMs,
          detail: `replication lag ${(lagMs / 1000).toFixed(1)} s against an RPO of ${plan.objectives.rpoMinutes} min`,
        },
  );
  return checks;
}

async function checkCompute(plan: Plan, region: string, compute: ComputePort): Promise<CheckResult[]> {
  const cluster = clusterFor(plan, region);
  const status = await compute.clusterStatus(region, cluster.name);
  const checks: CheckResult[] = [
    { name: "compute.cluster", ok: status === "ACTIVE", detail: `EKS cluster ${cluster.name} is ${status}` },
  ];
  const existing = new Set(await compute.nodegroups(region, cluster.name));
  for (const nodegroup of cluster.nodegroups) {
    const name = `compute.nodegroup.${nodegroup.name}`;
    if (!existing.has(nodegroup.name)) {
      checks.push({
        name,
        ok: false,
        detail: `nodegroup ${nodegroup.name} does not exist in ${cluster.name}`,
      });
      continue;
    }
    const state = await compute.nodegroup(region, cluster.name, nodegroup.name);
    checks.push({
      name,
      ok: state.maxSize >= nodegroup.activeSize,
      detail: `max size ${state.maxSize}, active size ${nodegroup.activeSize}`,
    });
  }
  return checks;
}

async function checkHealth(plan: Plan, region: string, dns: DnsPort): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  for (const record of plan.dns.records) {
    const healthCheckId = record.targets[region]?.healthCheckId;
    if (healthCheckId === undefined) continue;
    const healthy = await dns.healthCheckHealthy(healthCheckId);
    checks.push({
      name: `dns.health.${record.name}`,
      ok: healthy,
      detail: `health check ${healthCheckId} for ${record.name} in ${region} is ${healthy ? "healthy" : "unhealthy"}`,
    });
  }
  return checks;
}
