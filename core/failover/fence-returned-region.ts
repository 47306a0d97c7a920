import { recordDecision } from "../audit/audited-action.js";
import type { Clock } from "../clock.js";
import { KirikaeError } from "../errors.js";
import type { Plan } from "../plan/schema.js";
import type { AuditPort } from "../ports/audit.js";
import type { ComputePort } from "../ports/compute.js";
import type { FencingStatePort } from "../ports/plan-state.js";
import type { NotifierPort } from "../ports/workflows.js";
import type { AuditScope } from "../workflow/step-context.js";
import { clusterFor } from "./plan-lookup.js";
import { restoreStandby } from "./restore-capacity.js";
import type { CapacityDeps } from "./scale-nodegroups.js";

export interface FenceDeps extends CapacityDeps {
  state: FencingStatePort;
  /**
   * The returning region's EKS API through a probe client (short timeout, no retries): whether it answers
   * at all. A dead region costs this run seconds and is simply asked again on the next.
   */
  probe: Pick<ComputePort, "clusterStatus">;
  clock: Clock;
  audit: AuditPort;
  notifier: NotifierPort;
  /** The identity the function acts as, recorded on its audit records. */
  actor: string;
}

export type FenceResult =
  | { plan: string; outcome: "fenced"; region: string; changes: string[]; left: string[] }
  /** The region answered but a nodegroup is still UPDATING: what could change did; the rest next run. */
  | { plan: string; outcome: "pending"; region: string; changes: string[]; waiting: string[] }
  | { plan: string; outcome: "unanswered"; region: string; reason: string }
  /** A call failed half-way (audited as failed): nothing is marked, so the next run tries again. */
  | { plan: string; outcome: "failed"; region: string; reason: string }
  | { plan: string; outcome: "skipped"; reason: string };

/** Fencing happens outside any workflow: its records belong to no execution. */
const NO_EXECUTION = { id: "-" };

/**
 * After a data-loss failover (FailoverGlobalCluster with AllowDataLoss) the region left behind may come
 * back with its old primary claiming writer until Aurora rebuilds it as a secondary, and with its
 * nodegroups and workloads still at their active sizes: its queue consumers and cron jobs would write to
 * the stale writer with no user involved. Its gate stays closed (nothing reopens it until a failback), so
 * no user reaches it; this takes its workers away (invariant 7, one writer). Run on a schedule by the
 * control plane of each plan's recovery region, for each plan it serves:
 *   1. only a plan that runs in this region (state.activeRegion) after a data-loss failover
 *      (state.lastPromotion), not yet fenced, with no workflow holding its lock: a failback in flight owns
 *      the region it returns to (an expired lease holds nothing)
 *   2. probe the home region's EKS API; no answer (or a cluster not ACTIVE) is left for the next run
 *   3. put its nodegroups and planned Deployments back to standby where they hold what a scale-up sets
 *      (restoreStandby: a size someone else chose stays), each call audited under this function's identity
 *   4. once nothing is left UPDATING, mark the plan fenced with a conditional write and notify once; the
 *      mark comes after the calls so a failed run is tried again, and is conditional so two runs (or a
 *      failback that took the lock meanwhile, whose scale-up re-raises what it needs) notify nothing twice
 * A region already at standby gets no call, and is marked and notified once like any other.
 */
export async function fenceReturnedRegions(
  plans: readonly Plan[],
  deps: FenceDeps,
  options: { region: string },
): Promise<FenceResult[]> {
  const results: FenceResult[] = [];
  for (const plan of plans) results.push(await fenceReturnedRegion(plan, deps, options.region));
  return results;
}

async function fenceReturnedRegion(plan: Plan, deps: FenceDeps, region: string): Promise<FenceResult> {
  const skipped = (reason: string): FenceResult => ({ plan: plan.name, outcome: "skipped", reason });
  const home = plan.activeRegion;
  if (home === region || !plan.regions.includes(region)) {
    return skipped(`${region} is not the plan's recovery region`);
  }
  const now = deps.clock.now();
  const state = await deps.state.get(plan.name);
  if (state.activeRegion !== region) return skipped(`the plan runs in ${state.activeRegion ?? home}`);
  if (state.lastPromotion !== "failover") {
    return skipped(
      "the last promotion was not a data-loss failover: Aurora demoted the old primary in order",
    );
  }
  if (state.fencedAt !== undefined) return skipped(`${home} was fenced at ${state.fencedAt}`);
  if (state.lock !== undefined && Date.parse(state.lock.leaseUntil) > now.getTime()) {
    return skipped(`${state.lock.holder} (${state.lock.kind}) holds the plan`);
  }

  const cluster = clusterFor(plan, home);
  let status: string;
  try {
    status = await deps.probe.clusterStatus(home, cluster.name);
  } catch (error) {
    if (!(error instanceof KirikaeError)) throw error;
    return { plan: plan.name, outcome: "unanswered", region: home, reason: error.message };
  }
  if (status !== "ACTIVE") {
    return { plan: plan.name, outcome: "unanswered", region: home, reason: `${cluster.name} is ${status}` };
  }

  const scope: AuditScope & { plan: Plan } = {
    plan,
    execution: NO_EXECUTION,
    clock: deps.clock,
    audit: deps.audit,
    actor: deps.actor,
  };
  let restored: Awaited<ReturnType<typeof restoreStandby>>;
  try {
    restored = await restoreStandby(scope, deps, home, { compensation: false });
  } catch (error) {
    if (!(error instanceof KirikaeError)) throw error;
    return { plan: plan.name, outcome: "failed", region: home, reason: error.describe() };
  }
  if (restored.waiting.length > 0) {
    return {
      plan: plan.name,
      outcome: "pending",
      region: home,
      changes: restored.changes,
      waiting: restored.waiting,
    };
  }
  const fencedAt = deps.clock.now().toISOString();
  const marked = await deps.state.markFenced(plan.name, {
    at: fencedAt,
    activeRegion: region,
    now: fencedAt,
  });
  if (!marked) return skipped("another run fenced it, or a workflow took the plan meanwhile");
  await recordDecision(scope, {
    action: "region.fenced",
    resource: `${home}/${cluster.name}`,
    after: { restored: restored.changes, left: restored.left },
    details: { activeRegion: region, lastPromotion: state.lastPromotion, gate: "closed until a failback" },
  });
  const done =
    restored.changes.length > 0
      ? `scaled to standby size: ${restored.changes.join("; ")}`
      : "already at standby size: nothing to change";
  await deps.notifier.notify(
    `kirikae: ${plan.name}: ${home} answers again and was fenced`,
    `${home} answers again after the data-loss failover and was fenced: nodegroups at standby size ` +
      `(${done}${restored.left.length > 0 ? `; left alone: ${restored.left.join("; ")}` : ""}). ` +
      `Its gate stays closed until a failback; ${plan.name} keeps running in ${region}.`,
    { plan: plan.name, region: home, changes: restored.changes, left: restored.left },
  );
  return { plan: plan.name, outcome: "fenced", region: home, changes: restored.changes, left: restored.left };
}
