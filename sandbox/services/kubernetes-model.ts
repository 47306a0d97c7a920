import type { Clock } from "../../core/clock.js";
import { DEFAULT_LATENCIES } from "../latencies.js";

/**
 * The Kubernetes API of each EKS cluster, as far as kirikae reads it: nodes (with the
 * `eks.amazonaws.com/nodegroup` label EKS puts on managed nodes and a Ready condition), Deployments
 * (spec.replicas, status.readyReplicas) and their pods.
 * Follows: Kubernetes documentation "Nodes" (Node status, the Ready condition), "Deployments"
 * (status.readyReplicas: pods targeted by the Deployment with a Ready condition) and Amazon EKS user guide
 * "Managed node groups" (the eks.amazonaws.com/nodegroup label), https://kubernetes.io/docs/concepts/architecture/nodes/,
 * https://kubernetes.io/docs/concepts/workloads/controllers/deployment/,
 * https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html.
 * Nodes are not created here: EKS's Auto Scaling group launches them (EksModel.resize), each Ready at
 * its own time. A pod is Ready `podStartMs` after it is asked for and a Ready node has room for it.
 */
export interface KubernetesSeed {
  clusters: Array<{
    region: string;
    name: string;
    nodegroups: Array<{ name: string; nodes: number }>;
    deployments: Array<{ namespace: string; name: string; replicas: number }>;
  }>;
}

export interface KubernetesTimings {
  /** Scheduling, image pull, start and the readiness probe of one pod. */
  podStartMs: number;
  /** Pods of the application one node has room for. */
  podsPerNode: number;
}

export const DEFAULT_KUBERNETES_TIMINGS: KubernetesTimings = {
  podStartMs: DEFAULT_LATENCIES.podReady,
  podsPerNode: 8,
};

interface Node {
  name: string;
  nodegroup: string;
  readyAt: number;
  /** Cordoned, drained and terminated: gone from the API from then on. */
  goneAt?: number;
}

interface Deployment {
  namespace: string;
  name: string;
  /** spec.replicas over time, oldest first. */
  replicas: Array<{ at: number; replicas: number }>;
}

interface ClusterApi {
  nodes: Node[];
  deployments: Map<string, Deployment>;
  launched: number;
}

export class KubernetesModel {
  private readonly clusters = new Map<string, ClusterApi>();
  private readonly timings: KubernetesTimings;

  constructor(
    private readonly clock: Clock,
    seed: KubernetesSeed,
    timings: Partial<KubernetesTimings> = {},
  ) {
    this.timings = { ...DEFAULT_KUBERNETES_TIMINGS, ...timings };
    // What runs before the incident has long been Ready.
    const start = clock.now().getTime() - 86_400_000;
    for (const cluster of seed.clusters) {
      const api: ClusterApi = { nodes: [], deployments: new Map(), launched: 0 };
      this.clusters.set(key(cluster.region, cluster.name), api);
      for (const nodegroup of cluster.nodegroups) {
        this.launch(api, nodegroup.name, nodegroup.nodes, () => start);
      }
      for (const deployment of cluster.deployments) {
        api.deployments.set(`${deployment.namespace}/${deployment.name}`, {
          namespace: deployment.namespace,
          name: deployment.name,
          replicas: [{ at: start, replicas: deployment.replicas }],
        });
      }
    }
  }

  hasCluster(region: string, clusterName: string): boolean {
    return this.clusters.has(key(region, clusterName));
  }

  /**
   * The Auto Scaling group brought a nodegroup to `desired` instances at `at`: new instances join one by
   * one at the times `readyAt` gives; surplus ones (those not Ready first, then the newest) leave after
   * `drainMs`.
   */
  resize(
    region: string,
    clusterName: string,
    nodegroup: string,
    desired: number,
    at: number,
    readyAt: (index: number) => number,
    drainMs: number,
  ): void {
    const api = this.cluster(region, clusterName);
    if (!api) return;
    const current = api.nodes
      .filter((node) => node.nodegroup === nodegroup && node.goneAt === undefined)
      .sort((a, b) => b.readyAt - a.readyAt);
    if (desired > current.length) this.launch(api, nodegroup, desired - current.length, readyAt);
    for (const node of current.slice(0, Math.max(0, current.length - desired))) {
      node.goneAt = node.readyAt > at ? at : at + drainMs;
    }
  }

  readyNodes(region: string, clusterName: string, nodegroup: string, atMs?: number): number {
    const api = this.cluster(region, clusterName);
    if (!api) return 0;
    return this.readyIn(api, atMs ?? this.clock.now().getTime(), nodegroup);
  }

  /** Moments at which one more of the nodegroup's nodes became Ready, for tests and narration. */
  nodeReadyTimes(region: string, clusterName: string, nodegroup: string): number[] {
    const api = this.cluster(region, clusterName);
    return (api?.nodes ?? [])
      .filter((node) => node.nodegroup === nodegroup)
      .map((node) => node.readyAt)
      .sort((a, b) => a - b);
  }

  deployment(
    region: string,
    clusterName: string,
    namespace: string,
    name: string,
  ): { replicas: number; readyReplicas: number } | undefined {
    const api = this.cluster(region, clusterName);
    const deployment = api?.deployments.get(`${namespace}/${name}`);
    if (!api || !deployment) return undefined;
    const now = this.clock.now().getTime();
    return { replicas: replicasAt(deployment, now), readyReplicas: this.readyPods(api, deployment, now) };
  }

  /** Returns false when the cluster has no such Deployment (the API's 404). */
  scaleDeployment(
    region: string,
    clusterName: string,
    namespace: string,
    name: string,
    replicas: number,
  ): boolean {
    const deployment = this.cluster(region, clusterName)?.deployments.get(`${namespace}/${name}`);
    if (!deployment) return false;
    deployment.replicas.push({ at: this.clock.now().getTime(), replicas });
    return true;
  }

  private readyPods(api: ClusterApi, deployment: Deployment, now: number): number {
    // A pod asked for at `asked` is Ready podStartMs later, if the nodes Ready by then had room for it;
    // room is shared by the cluster's Deployments in the order they were created.
    const asked = now - this.timings.podStartMs;
    let room = this.readyIn(api, asked) * this.timings.podsPerNode;
    for (const candidate of api.deployments.values()) {
      const wanted = Math.min(replicasAt(candidate, now), replicasAt(candidate, asked));
      const placed = Math.min(wanted, Math.max(0, room));
      if (candidate === deployment) return placed;
      room -= placed;
    }
    return 0;
  }

  private readyIn(api: ClusterApi, at: number, nodegroup?: string): number {
    return api.nodes.filter(
      (node) =>
        (nodegroup === undefined || node.nodegroup === nodegroup) &&
        node.readyAt <= at &&
        (node.goneAt === undefined || node.goneAt > at),
    ).length;
  }

  private launch(
    api: ClusterApi,
    nodegroup: string,
    count: number,
    readyAt: (index: number) => number,
  ): void {
    for (let index = 0; index < count; index++) {
      api.launched += 1;
      api.nodes.push({
        name: `ip-10-0-${Math.floor(api.launched / 250)}-${api.launched % 250}.internal`,
        nodegroup,
        readyAt: readyAt(index),
      });
    }
  }

  private cluster(region: string, clusterName: string): ClusterApi | undefined {
    return this.clusters.get(key(region, clusterName));
  }
}

function replicasAt(deployment: Deployment, at: number): number {
  let replicas = 0;
  for (const change of deployment.replicas) if (change.at <= at) replicas = change.replicas;
  return replicas;
}

function key(region: string, clusterName: string): string {
  return `${region}/${clusterName}`;
}
