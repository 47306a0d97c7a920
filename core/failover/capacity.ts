import type { EksClusterPlan } from "../plan/schema.js";
import type { KubernetesPort } from "../ports/kubernetes.js";
import type { CheckResult } from "../workflow/check-result.js";
import { WorkflowError } from "../workflow/workflow-errors.js";

/** Ready nodes per nodegroup and Ready pods per Deployment ("namespace/name"), as the cluster's API says. */
export interface ReadyCapacity {
  nodes: Record<string, number>;
  pods: Record<string, number>;
}

/** A Deployment the plan names is not in the cluster: a plan or deployment mistake, not something to wait out. */
export class WorkloadNotFound extends WorkflowError {
  constructor(message: string, options: { resource?: string } = {}) {
    super(message, {
      ...options,
      action: "deploy the Deployment in that cluster or correct the plan's compute.clusters[].workloads",
    });
    this.name = "WorkloadNotFound";
  }
}

export function workloadKey(workload: { namespace: string; name: string }): string {
  return `${workload.namespace}/${workload.name}`;
}

/** What a cluster has Ready now: nodes carrying each nodegroup's label, and each Deployment's Ready pods. */
export async function readCapacity(
  cluster: EksClusterPlan,
  kubernetes: KubernetesPort,
): Promise<ReadyCapacity> {
  const nodes: Record<string, number> = {};
  for (const nodegroup of cluster.nodegroups)
    nodes[nodegroup.name] = await kubernetes.readyNodes(nodegroup.name);
  const pods: Record<string, number> = {};
  for (const workload of cluster.workloads) {
    const deployment = await kubernetes.deployment(workload.namespace, workload.name);
    if (!deployment) {
      throw new WorkloadNotFound(
        `the Deployment ${workloadKey(workload)} is not in the cluster ${cluster.name} (${cluster.region})`,
        { resource: `${cluster.region}/${cluster.name}/${workloadKey(workload)}` },
      );
    }
    pods[workloadKey(workload)] = deployment.readyReplicas;
  }
  return { nodes, pods };
}

/**
 * Whether a share of the active capacity is Ready: every nodegroup and every Deployment on its own, so a
 * cluster with all its web nodes and none of its workers is not "half ready". Rounded up: 0.5 of 3 is 2.
 */
export function capacityChecks(
  cluster: EksClusterPlan,
  ready: ReadyCapacity,
  fraction: number,
): CheckResult[] {
  const needed = (active: number) => Math.ceil(active * fraction - 1e-9);
  const share = fraction === 1 ? "all" : `${Math.round(fraction * 100)}%`;
  return [
    ...cluster.nodegroups.map((nodegroup) => {
      const count = ready.nodes[nodegroup.name] ?? 0;
      return {
        name: `capacity.nodes.${nodegroup.name}`,
        ok: count >= needed(nodegroup.activeSize),
        required: true,
        region: cluster.region,
        detail: `${count} of ${nodegroup.activeSize} nodes Ready (needs ${share}: ${needed(nodegroup.activeSize)})`,
      };
    }),
    ...cluster.workloads.map((workload) => {
      const count = ready.pods[workloadKey(workload)] ?? 0;
      return {
        name: `capacity.pods.${workloadKey(workload)}`,
        ok: count >= needed(workload.activeReplicas),
        required: true,
        region: cluster.region,
        detail: `${count} of ${workload.activeReplicas} pods Ready (needs ${share}: ${needed(workload.activeReplicas)})`,
      };
    }),
  ];
}
