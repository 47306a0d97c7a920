import { auditedAction, recordDecision } from "../audit/audited-action.js";
import type { EksClusterPlan, Plan } from "../plan/schema.js";
import type { ComputePort, NodegroupState } from "../ports/compute.js";
import type { KubernetesPort } from "../ports/kubernetes.js";
import type { CheckResult } from "../workflow/check-result.js";
import { rollbackDeadline, type StepContext } from "../workflow/step-context.js";
import { RollbackTriggerExceeded } from "../workflow/workflow-errors.js";
import { capacityChecks, type ReadyCapacity, readCapacity, workloadKey } from "./capacity.js";
import { inParallel } from "./in-parallel.js";
import { clusterFor } from "./plan-lookup.js";
import { restoreStandby } from "./restore-capacity.js";

export interface ScalingProgress {
  status: "pending" | "done";
  region: string;
  /** Nodegroup name to the size the plan asks of it (active or standby). */
  sizes: Record<string, number>;
  /** Scale-up only: Ready nodes and pods at the last poll. */
  ready?: ReadyCapacity;
  /** Scale-up only: the share of active capacity that had to be Ready for the step to be done. */
  trafficAtCapacity?: number;
  /** Scale-up only: whether all the active capacity, not only the share traffic waits for, is Ready. */
  full?: boolean;
  /** Scale-up only: every nodegroup was ACTIVE at its size, so later polls read only the cluster's API. */
  settled?: boolean;
  checks?: CheckResult[];
  startedAt?: string;
  completedAt?: string;
  pollAfterSeconds?: number;
}

export interface CapacityDeps {
  compute: ComputePort;
  /** The Kubernetes API of one region's cluster. */
  kubernetes(region: string, clusterName: string): KubernetesPort;
}

export const SCALING_POLL_SECONDS = 10;

/**
 * Brings one region's capacity to the plan's active sizes, or back from them. Capacity is not guaranteed,
 * and EKS calls a nodegroup ACTIVE once its Auto Scaling group is changed, before any new node has joined,
 * so scale-up is done only when the cluster's Kubernetes API shows the nodes and pods Ready.
 * Scale-up (invariant 4: re-running changes nothing):
 *   1. read every nodegroup, together; one UPDATING is left alone until it settles (EKS refuses a second
 *      update)
 *   2. every ACTIVE one below the active size gets UpdateNodegroupConfig, sent together, raising minSize
 *      to the active size (so an autoscaler cannot take it back) and desiredSize to at least that: never
 *      lower, because an autoscaler that raised it knows of load the plan does not
 *   3. each planned Deployment with fewer replicas than its active count is raised to it, never lowered
 *   4. done when every nodegroup is ACTIVE and the plan's share (compute.trafficAtCapacity) of every
 *      nodegroup's nodes and every Deployment's pods is Ready; verification waits for the rest
 * Scale-down (the region failback leaves) puts back what kirikae set and nothing else (restoreStandby).
 */
export async function scaleNodegroups(
  context: StepContext,
  deps: CapacityDeps,
  target: { region: string; size: "active" | "standby" },
  previous: ScalingProgress | undefined,
): Promise<ScalingProgress> {
  const cluster = clusterFor(context.plan, target.region);
  const now = context.clock.now().toISOString();
  const startedAt = previous?.startedAt ?? now;
  if (target.size === "standby") {
    const restored = await restoreStandby(context, deps, target.region, { compensation: false });
    const sizes = Object.fromEntries(cluster.nodegroups.map((ng) => [ng.name, ng.standbySize]));
    if (!restored.settled)
      return {
        status: "pending",
        region: target.region,
        sizes,
        startedAt,
        pollAfterSeconds: SCALING_POLL_SECONDS,
      };
    if (previous?.status === "pending") {
      await recordDecision(context, {
        action: "nodegroups.scaled-down",
        resource: `${target.region}/${cluster.name}`,
        after: { restored: restored.changes, left: restored.left },
      });
    }
    return {
      status: "done",
      region: target.region,
      sizes,
      startedAt,
      completedAt: previous?.completedAt ?? now,
    };
  }

  // Once every nodegroup was ACTIVE at its size, only the cluster's own API is read: EKS's API is shared
  // by every plan failing over in the account, and its answer would not change.
  const settled = previous?.settled === true || (await raiseToActive(context, deps, cluster));
  const kubernetes = deps.kubernetes(cluster.region, cluster.name);
  const ready = await readCapacity(cluster, kubernetes);
  const fraction = context.plan.compute.trafficAtCapacity;
  const checks = capacityChecks(cluster, ready, fraction);
  const full = capacityChecks(cluster, ready, 1).every((check) => check.ok);
  const sizes = Object.fromEntries(cluster.nodegroups.map((ng) => [ng.name, ng.activeSize]));
  const base = {
    region: target.region,
    sizes,
    ready,
    trafficAtCapacity: fraction,
    full,
    checks,
    startedAt,
    settled,
  };
  if (!settled || !checks.every((check) => check.ok)) {
    guardDeadline(context, cluster);
    return { status: "pending", ...base, pollAfterSeconds: SCALING_POLL_SECONDS };
  }
  if (previous?.status === "pending") {
    await recordDecision(context, {
      action: "nodegroups.scaled-up",
      resource: `${target.region}/${cluster.name}`,
      after: sizes,
      details: { ready, trafficAtCapacity: fraction, full, checks },
    });
  }
  return { status: "done", ...base, completedAt: previous?.completedAt ?? now };
}

/**
 * EKS calls in flight at once. EKS publishes no request rate for its nodegroup APIs, and refuses a burst of
 * updates to every nodegroup at once ("Request limit exceeded"); ten keep a plan with hundreds of
 * nodegroups to seconds, and what is still throttled is retried by the SDK.
 */
const EKS_CALLS_IN_FLIGHT = 10;

/**
 * Raises what is below the active sizes; true when every nodegroup was ACTIVE and needed no call. The
 * nodegroups are read together and their updates go out together (each its own audited action), not one
 * nodegroup after another: EKS scales them independently, so nothing is gained by waiting between them.
 */
export async function raiseToActive(
  context: StepContext,
  deps: CapacityDeps,
  cluster: EksClusterPlan,
  /** Set by the early scale-up during the hold (prepare-capacity.ts), so its records say so. */
  recordAs: { preparation?: true } = {},
  /** The nodegroups as the caller has just read them, in the plan's order, so EKS is not asked twice. */
  known?: readonly NodegroupState[],
): Promise<boolean> {
  const marked = recordAs.preparation ? { preparation: true } : {};
  const states = known ?? (await readNodegroups(deps, cluster));
  const updates = cluster.nodegroups.flatMap((nodegroup, index) => {
    const state = states[index];
    if (state?.status !== "ACTIVE") return [];
    const wanted = {
      minSize: Math.max(state.minSize, nodegroup.activeSize),
      desiredSize: Math.max(state.desiredSize, nodegroup.activeSize),
    };
    if (wanted.minSize === state.minSize && wanted.desiredSize === state.desiredSize) return [];
    return [{ nodegroup, state, wanted }];
  });
  const settled = states.every((state) => state.status === "ACTIVE") && updates.length === 0;
  if (updates.length > 0) guardDeadline(context, cluster, updates[0]?.nodegroup.name);
  await inParallel(updates, EKS_CALLS_IN_FLIGHT, ({ nodegroup, state, wanted }) =>
    auditedAction(
      context,
      {
        action: "eks:UpdateNodegroupConfig",
        resource: `${cluster.region}/${cluster.name}/${nodegroup.name}`,
        region: cluster.region,
        before: { minSize: state.minSize, desiredSize: state.desiredSize, maxSize: state.maxSize },
        after: { ...wanted, maxSize: state.maxSize },
        ...withDetails({
          ...marked,
          ...(wanted.desiredSize > nodegroup.activeSize
            ? { keptDesiredSize: `${state.desiredSize}, above the active size ${nodegroup.activeSize}` }
            : {}),
        }),
      },
      () => deps.compute.scale(cluster.region, cluster.name, nodegroup.name, wanted),
    ),
  );
  const kubernetes = deps.kubernetes(cluster.region, cluster.name);
  const deployments = await inParallel(cluster.workloads, EKS_CALLS_IN_FLIGHT, (workload) =>
    kubernetes.deployment(workload.namespace, workload.name),
  );
  const raises = cluster.workloads.flatMap((workload, index) => {
    const deployment = deployments[index];
    return deployment && deployment.replicas < workload.activeReplicas ? [{ workload, deployment }] : [];
  });
  if (raises.length > 0) guardDeadline(context, cluster, raises[0] && workloadKey(raises[0].workload));
  await inParallel(raises, EKS_CALLS_IN_FLIGHT, ({ workload, deployment }) =>
    auditedAction(
      context,
      {
        action: "k8s:PatchDeploymentScale",
        resource: `${cluster.region}/${cluster.name}/${workloadKey(workload)}`,
        region: cluster.region,
        before: { replicas: deployment.replicas },
        after: { replicas: workload.activeReplicas },
        ...withDetails(marked),
      },
      () => kubernetes.scaleDeployment(workload.namespace, workload.name, workload.activeReplicas),
    ),
  );
  return settled;
}

/** Every nodegroup of a cluster as EKS describes it, in the plan's order, a few calls in flight at once. */
export function readNodegroups(deps: Pick<CapacityDeps, "compute">, cluster: EksClusterPlan) {
  return inParallel(cluster.nodegroups, EKS_CALLS_IN_FLIGHT, (nodegroup) =>
    deps.compute.nodegroup(cluster.region, cluster.name, nodegroup.name),
  );
}

/** Audit records carry `details` only when there is something to say. */
function withDetails(details: Record<string, unknown>): { details?: Record<string, unknown> } {
  return Object.keys(details).length > 0 ? { details } : {};
}

function guardDeadline(context: StepContext, cluster: EksClusterPlan, what?: string): void {
  const deadline = rollbackDeadline(context);
  if (context.clock.now() > deadline)
    throw new RollbackTriggerExceeded(deadline, {
      resource: `${cluster.region}/${cluster.name}${what ? `/${what}` : ""}`,
    });
}

/** For verification: all of the active capacity, whatever share traffic waited for. */
export async function fullCapacityChecks(plan: Plan, region: string, deps: Pick<CapacityDeps, "kubernetes">) {
  const cluster = clusterFor(plan, region);
  const ready = await readCapacity(cluster, deps.kubernetes(cluster.region, cluster.name));
  return capacityChecks(cluster, ready, 1);
}
