import { auditedAction } from "../audit/audited-action.js";
import type { EksClusterPlan, Plan } from "../plan/schema.js";
import type { AuditScope } from "../workflow/step-context.js";
import { workloadKey } from "./capacity.js";
import { clusterFor } from "./plan-lookup.js";
import type { CapacityDeps } from "./scale-nodegroups.js";

export interface RestoreResult {
  /** Every nodegroup was ACTIVE and needed nothing more. */
  settled: boolean;
  /** What was put back, in words. */
  changes: string[];
  /** What was left alone because kirikae did not set it, or could not be changed yet, in words. */
  left: string[];
  /** Nodegroups that still hold what a scale-up sets but are UPDATING, so could not be changed yet. */
  waiting: string[];
}

/**
 * Puts a region's capacity back to the plan's standby shape where, and only where, it still holds what a
 * scale-up sets: a value someone else moved since (an autoscaler raising desiredSize, a person, an HPA)
 * is theirs, and stays.
 *   1. nodegroup minSize at the active size goes back to the standby size; desiredSize too, but only
 *      when it is exactly the active size (a desiredSize above it was the autoscaler's; with minSize
 *      lowered the autoscaler takes it down itself when the load is gone)
 *   2. a Deployment at exactly its active replicas goes back to its standby replicas
 *   3. a nodegroup still UPDATING is not touched (EKS refuses a second update): "not settled"
 * Escalation calls it once (compensation); failback's last step polls it until settled; the scheduled
 * fencing calls it, outside any workflow, on a region a data-loss failover left (fence-returned-region.ts).
 */
export async function restoreStandby(
  context: AuditScope & { plan: Plan },
  deps: CapacityDeps,
  region: string,
  options: { compensation: boolean },
): Promise<RestoreResult> {
  // Every cluster the plan has in the region: a plan of several EKS blocks has one per block.
  const clusters = context.plan.compute.clusters.filter((cluster) => cluster.region === region);
  if (clusters.length === 0) clusterFor(context.plan, region); // throws, naming the missing cluster
  const result: RestoreResult = { settled: true, changes: [], left: [], waiting: [] };
  for (const cluster of clusters) {
    const restored = await restoreCluster(context, deps, cluster, options);
    result.settled &&= restored.settled;
    result.changes.push(...restored.changes);
    result.left.push(...restored.left);
    result.waiting.push(...restored.waiting);
  }
  return result;
}

async function restoreCluster(
  context: AuditScope & { plan: Plan },
  deps: CapacityDeps,
  cluster: EksClusterPlan,
  options: { compensation: boolean },
): Promise<RestoreResult> {
  const { region } = cluster;
  const result: RestoreResult = { settled: true, changes: [], left: [], waiting: [] };
  const details = options.compensation ? { details: { compensation: true } } : {};
  for (const nodegroup of cluster.nodegroups) {
    if (nodegroup.activeSize === nodegroup.standbySize) continue;
    const state = await deps.compute.nodegroup(region, cluster.name, nodegroup.name);
    const wanted = {
      minSize: state.minSize === nodegroup.activeSize ? nodegroup.standbySize : state.minSize,
      desiredSize: state.desiredSize === nodegroup.activeSize ? nodegroup.standbySize : state.desiredSize,
    };
    if (wanted.minSize > wanted.desiredSize) wanted.minSize = state.minSize;
    if (wanted.minSize === state.minSize && wanted.desiredSize === state.desiredSize) {
      if (state.desiredSize !== nodegroup.standbySize) {
        result.left.push(`${nodegroup.name} left at desired ${state.desiredSize}: not the size kirikae sets`);
      }
      if (state.status !== "ACTIVE") result.settled = false;
      continue;
    }
    if (state.status !== "ACTIVE") {
      result.settled = false;
      result.waiting.push(nodegroup.name);
      result.left.push(
        `${nodegroup.name} left at ${state.desiredSize}: still updating, scale it down by hand`,
      );
      continue;
    }
    result.settled = false;
    await auditedAction(
      context,
      {
        action: "eks:UpdateNodegroupConfig",
        resource: `${region}/${cluster.name}/${nodegroup.name}`,
        region,
        before: { minSize: state.minSize, desiredSize: state.desiredSize },
        after: wanted,
        ...details,
      },
      () => deps.compute.scale(region, cluster.name, nodegroup.name, wanted),
    );
    result.changes.push(`${nodegroup.name} back to min ${wanted.minSize}, desired ${wanted.desiredSize}`);
  }
  if (cluster.workloads.length === 0) return result;
  const kubernetes = deps.kubernetes(region, cluster.name);
  for (const workload of cluster.workloads) {
    if (workload.activeReplicas === workload.standbyReplicas) continue;
    const deployment = await kubernetes.deployment(workload.namespace, workload.name);
    if (deployment?.replicas !== workload.activeReplicas) continue;
    await auditedAction(
      context,
      {
        action: "k8s:PatchDeploymentScale",
        resource: `${region}/${cluster.name}/${workloadKey(workload)}`,
        region,
        before: { replicas: deployment.replicas },
        after: { replicas: workload.standbyReplicas },
        ...details,
      },
      () => kubernetes.scaleDeployment(workload.namespace, workload.name, workload.standbyReplicas),
    );
    result.changes.push(`${workloadKey(workload)} back to ${workload.standbyReplicas} replicas`);
  }
  return result;
}
