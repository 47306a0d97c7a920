import {
  type DescribeClusterResponse,
  type DescribeNodegroupResponse,
  type DescribeUpdateResponse,
  InvalidParameterException,
  type ListNodegroupsResponse,
  type Nodegroup as NodegroupShape,
  ResourceInUseException,
  ResourceNotFoundException,
  type UpdateNodegroupConfigResponse,
  type UpdateParam,
  type Update as UpdateShape,
} from "@aws-sdk/client-eks";
import { DEFAULT_LATENCIES } from "../latencies.js";
import {
  errorMetadata,
  type ModelContext,
  type SandboxCall,
  type ServiceModel,
  type TrailResource,
} from "../service-model.js";
import type { KubernetesModel } from "./kubernetes-model.js";

export interface EksSeed {
  clusters: Array<{
    name: string;
    region: string;
    accountId: string;
    nodegroups: Array<{ name: string; minSize: number; maxSize: number; desiredSize: number }>;
  }>;
}

export interface EksTimings {
  /** An accepted UpdateNodegroupConfig is done once the Auto Scaling group is changed: seconds. */
  asgUpdateMs: number;
  /** New nodes take minutes to join: a fixed part (launch, bootstrap, kubelet Ready)... */
  scaleBaseMs: number;
  /** ...and one by one, each this much after the one before. */
  scalePerNodeMs: number;
  /** A node taken away: cordoned, drained, terminated. */
  scaleDownMs: number;
  /** Cluster Autoscaler's --scan-interval: how soon it puts desiredSize back where it wants it. */
  autoscalerScanMs: number;
}

/** From sandbox/latencies.ts, where each figure's source is. */
export const DEFAULT_EKS_TIMINGS: EksTimings = {
  asgUpdateMs: DEFAULT_LATENCIES.eksNodegroupUpdate,
  scaleBaseMs: DEFAULT_LATENCIES.nodeReady,
  scalePerNodeMs: DEFAULT_LATENCIES.nodeReadyStagger,
  scaleDownMs: DEFAULT_LATENCIES.nodeDrain,
  autoscalerScanMs: DEFAULT_LATENCIES.clusterAutoscalerScan,
};

/** How long until every node a change of desired size asks for is Ready (or gone) in this model. */
export function nodegroupUpdateMs(timings: EksTimings, fromDesired: number, toDesired: number): number {
  const added = Math.max(0, toDesired - fromDesired);
  return added > 0 ? timings.scaleBaseMs + added * timings.scalePerNodeMs : timings.scaleDownMs;
}

/** What the sandbox can tell about a nodegroup beyond DescribeNodegroup: the nodes that have joined. */
export interface NodegroupSnapshot {
  minSize: number;
  maxSize: number;
  desiredSize: number;
  status: "ACTIVE" | "UPDATING";
  readyNodes: number;
}

interface Scaling {
  minSize: number;
  maxSize: number;
  desiredSize: number;
}

interface NodegroupUpdate {
  id: string;
  token?: string;
  params: UpdateParam[];
  createdAt: number;
  completesAt: number;
  from: Scaling;
}

interface NodegroupState {
  name: string;
  arn: string;
  /** As EKS reports it: the requested configuration, from the moment an update is accepted. */
  scaling: Scaling;
  createdAt: Date;
  updates: NodegroupUpdate[];
  /** Cluster Autoscaler's wish for this nodegroup's size, when one runs in the cluster. */
  autoscalerWants?: number;
  /** When desiredSize last changed, by anyone. */
  changedAt: number;
}

interface ClusterState {
  name: string;
  region: string;
  accountId: string;
  createdAt: Date;
  nodegroups: Map<string, NodegroupState>;
}

const KUBERNETES_VERSION = "1.33";
const MAX_PAGE_SIZE = 100;
const MODELLED_UPDATE_FIELDS = new Set([
  "clusterName",
  "nodegroupName",
  "scalingConfig",
  "clientRequestToken",
]);

/**
 * EKS clusters and managed nodegroups, per region, with EKS's validation, its one-update-at-a-time rule
 * and client-token idempotency. An UpdateNodegroupConfig is finished (nodegroup ACTIVE, update
 * Successful) once the Auto Scaling group is changed, seconds later; the nodes it asks for join the
 * cluster's Kubernetes API one by one, minutes later, and only there are they seen Ready
 * (EKS API reference, NodegroupScalingConfig and UpdateNodegroupConfig,
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_NodegroupScalingConfig.html; the EKS workshop
 * waits for nodes with `kubectl wait --for=condition=Ready`).
 * An autoscaler may own desiredSize: "When the Cluster Autoscaler is used, the desiredSize parameter is
 * altered by the Cluster Autoscaler (but can be out-of-date for short periods of time). the Cluster
 * Autoscaler doesn't scale a managed node group lower than minSize or higher than maxSize" (same page);
 * it re-evaluates every --scan-interval, 10 s by default (kubernetes/autoscaler, Cluster Autoscaler FAQ,
 * https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md).
 */
export class EksModel implements ServiceModel {
  readonly service = "eks" as const;
  readonly eventSource = "eks.amazonaws.com";
  private readonly clusters = new Map<string, ClusterState>();
  private readonly timings: EksTimings;
  private updateCount = 0;

  constructor(
    private readonly context: ModelContext,
    seed: EksSeed,
    timings: Partial<EksTimings> = {},
    private readonly kubernetes?: KubernetesModel,
  ) {
    this.timings = { ...DEFAULT_EKS_TIMINGS, ...timings };
    const createdAt = context.clock.now();
    for (const cluster of seed.clusters) {
      this.clusters.set(key(cluster.region, cluster.name), {
        name: cluster.name,
        region: cluster.region,
        accountId: cluster.accountId,
        createdAt,
        nodegroups: new Map(
          cluster.nodegroups.map((nodegroup) => [
            nodegroup.name,
            {
              name: nodegroup.name,
              arn: `arn:aws:eks:${cluster.region}:${cluster.accountId}:nodegroup/${cluster.name}/${nodegroup.name}/${uuidFrom(`${cluster.region}/${cluster.name}/${nodegroup.name}`)}`,
              scaling: {
                minSize: nodegroup.minSize,
                maxSize: nodegroup.maxSize,
                desiredSize: nodegroup.desiredSize,
              },
              createdAt,
              updates: [],
              changedAt: createdAt.getTime(),
            },
          ]),
        ),
      });
    }
  }

  isMutating(operation: string): boolean {
    return operation === "UpdateNodegroupConfig";
  }

  resourcesOf(call: SandboxCall): TrailResource[] {
    const resources: TrailResource[] = [];
    if (typeof call.input.nodegroupName === "string") {
      resources.push({ ResourceType: "AWS::EKS::Nodegroup", ResourceName: call.input.nodegroupName });
    }
    const cluster = call.input.clusterName ?? call.input.name;
    if (typeof cluster === "string") {
      resources.push({ ResourceType: "AWS::EKS::Cluster", ResourceName: cluster });
    }
    return resources;
  }

  handle(call: SandboxCall): Record<string, unknown> {
    this.runAutoscalers();
    switch (call.operation) {
      case "DescribeCluster":
        return this.describeCluster(call);
      case "ListNodegroups":
        return this.listNodegroups(call);
      case "DescribeNodegroup":
        return this.describeNodegroup(call);
      case "UpdateNodegroupConfig":
        return this.updateNodegroupConfig(call);
      case "DescribeUpdate":
        return this.describeUpdate(call);
      default:
        throw new Error(`the sandbox does not model eks:${call.operation}`);
    }
  }

  /** Sandbox inspection: the nodes Ready in the cluster's Kubernetes API, which lag the desired size. */
  readyNodes(region: string, clusterName: string, nodegroupName: string): number {
    this.runAutoscalers();
    return this.kubernetes?.readyNodes(region, clusterName, nodegroupName) ?? 0;
  }

  /**
   * Sandbox control: a Cluster Autoscaler in the cluster wants this nodegroup at `wants` nodes (pending pods,
   * say). It moves desiredSize there now, and back there whenever someone else moves it, within min and max.
   */
  setAutoscaler(region: string, clusterName: string, nodegroupName: string, wants: number): void {
    const nodegroup = this.findNodegroup(region, clusterName, nodegroupName);
    if (!nodegroup) throw new Error(`the sandbox has no nodegroup ${region}/${clusterName}/${nodegroupName}`);
    nodegroup.autoscalerWants = wants;
    nodegroup.changedAt = Number.NEGATIVE_INFINITY;
    this.runAutoscalers();
  }

  /** The autoscalers act on the Auto Scaling group directly, so no EKS update records it. */
  private runAutoscalers(): void {
    const now = this.context.clock.now().getTime();
    for (const cluster of this.clusters.values()) {
      for (const nodegroup of cluster.nodegroups.values()) {
        if (nodegroup.autoscalerWants === undefined || this.pendingUpdate(nodegroup)) continue;
        const { minSize, maxSize, desiredSize } = nodegroup.scaling;
        const wants = Math.min(maxSize, Math.max(minSize, nodegroup.autoscalerWants));
        if (wants === desiredSize || now < nodegroup.changedAt + this.timings.autoscalerScanMs) continue;
        nodegroup.scaling = { ...nodegroup.scaling, desiredSize: wants };
        this.resizeNodes(cluster, nodegroup, wants, now);
      }
    }
  }

  private resizeNodes(cluster: ClusterState, nodegroup: NodegroupState, desired: number, at: number): void {
    nodegroup.changedAt = at;
    this.kubernetes?.resize(
      cluster.region,
      cluster.name,
      nodegroup.name,
      desired,
      at,
      (index) => at + this.timings.scaleBaseMs + (index + 1) * this.timings.scalePerNodeMs,
      this.timings.scaleDownMs,
    );
  }

  /** Sandbox control, for "standby not ready" scenarios: a nodegroup whose max cannot take the active size. */
  setNodegroupMax(region: string, clusterName: string, nodegroupName: string, maxSize: number): void {
    const nodegroup = this.findNodegroup(region, clusterName, nodegroupName);
    if (!nodegroup) throw new Error(`the sandbox has no nodegroup ${region}/${clusterName}/${nodegroupName}`);
    this.kubernetes?.resize(
      region,
      clusterName,
      nodegroupName,
      Math.min(nodegroup.scaling.desiredSize, maxSize),
      this.context.clock.now().getTime(),
      () => 0,
      0,
    );
    nodegroup.scaling = {
      maxSize,
      minSize: Math.min(nodegroup.scaling.minSize, maxSize),
      desiredSize: Math.min(nodegroup.scaling.desiredSize, maxSize),
    };
  }

  /** A nodegroup's ARN, which ends in the ID EKS gave it: what IAM authorises its actions against. */
  nodegroupArn(region: string, clusterName: string, name: string): string | undefined {
    return this.findNodegroup(region, clusterName, name)?.arn;
  }

  nodegroup(region: string, clusterName: string, name: string): NodegroupSnapshot | undefined {
    const nodegroup = this.findNodegroup(region, clusterName, name);
    if (!nodegroup) return undefined;
    return {
      ...nodegroup.scaling,
      status: this.statusOf(nodegroup),
      readyNodes: this.readyNodes(region, clusterName, name),
    };
  }

  private describeCluster(call: SandboxCall): Record<string, unknown> {
    const cluster = this.requireCluster(call, String(call.input.name ?? ""));
    const id = uuidFrom(`${cluster.region}/${cluster.name}`).replace(/-/g, "").toUpperCase();
    return {
      cluster: {
        name: cluster.name,
        arn: `arn:aws:eks:${cluster.region}:${cluster.accountId}:cluster/${cluster.name}`,
        createdAt: new Date(cluster.createdAt),
        version: KUBERNETES_VERSION,
        endpoint: `https://${id}.gr7.${cluster.region}.eks.amazonaws.com`,
        roleArn: `arn:aws:iam::${cluster.accountId}:role/${cluster.name}-cluster`,
        status: "ACTIVE",
        platformVersion: "eks.1",
        tags: {},
      },
    } satisfies DescribeClusterResponse;
  }

  private listNodegroups(call: SandboxCall): Record<string, unknown> {
    const cluster = this.requireCluster(call, String(call.input.clusterName ?? ""));
    const size = call.input.maxResults === undefined ? MAX_PAGE_SIZE : Number(call.input.maxResults);
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw new InvalidParameterException({
        message: `maxResults must be between 1 and ${MAX_PAGE_SIZE}`,
        clusterName: cluster.name,
        $metadata: errorMetadata(call),
      });
    }
    const start = call.input.nextToken === undefined ? 0 : offsetFrom(call.input.nextToken);
    if (start === undefined) {
      throw new InvalidParameterException({
        message: "The nextToken provided is invalid",
        clusterName: cluster.name,
        $metadata: errorMetadata(call),
      });
    }
    const names = [...cluster.nodegroups.keys()];
    const end = start + size;
    return {
      nodegroups: names.slice(start, end),
      ...(end < names.length ? { nextToken: tokenFor(end) } : {}),
    } satisfies ListNodegroupsResponse;
  }

  private describeNodegroup(call: SandboxCall): Record<string, unknown> {
    const { cluster, nodegroup } = this.requireNodegroup(call, String(call.input.clusterName ?? ""));
    return { nodegroup: this.nodegroupShape(cluster, nodegroup) } satisfies DescribeNodegroupResponse;
  }

  private updateNodegroupConfig(call: SandboxCall): Record<string, unknown> {
    const { cluster, nodegroup } = this.requireNodegroup(call, String(call.input.clusterName ?? ""));
    const unmodelled = Object.keys(call.input).filter(
      (field) => call.input[field] !== undefined && !MODELLED_UPDATE_FIELDS.has(field),
    );
    if (unmodelled.length > 0) {
      throw new Error(`the sandbox does not model eks:UpdateNodegroupConfig of ${unmodelled.join(", ")}`);
    }
    const token =
      typeof call.input.clientRequestToken === "string" ? call.input.clientRequestToken : undefined;
    // A retried request (same token) gets the update it already started, even while that update runs.
    const repeated =
      token === undefined ? undefined : nodegroup.updates.find((update) => update.token === token);
    if (repeated) return { update: this.updateShape(repeated) } satisfies UpdateNodegroupConfigResponse;
    const names = { clusterName: cluster.name, nodegroupName: nodegroup.name };
    if (this.pendingUpdate(nodegroup)) {
      throw new ResourceInUseException({
        message: "Nodegroup cannot be updated as it is currently not in Active State",
        ...names,
        $metadata: errorMetadata(call, 409),
      });
    }
    const requested = definedSizes(call.input.scalingConfig);
    const to: Scaling = { ...nodegroup.scaling, ...requested };
    const problem = scalingProblem(to);
    if (problem) {
      throw new InvalidParameterException({ message: problem, ...names, $metadata: errorMetadata(call) });
    }

    const from = { ...nodegroup.scaling };
    const now = this.context.clock.now().getTime();
    const duration = this.timings.asgUpdateMs;
    this.updateCount += 1;
    const update: NodegroupUpdate = {
      id: uuidFrom(`update/${this.updateCount}/${cluster.region}/${cluster.name}/${nodegroup.name}`),
      ...(token === undefined ? {} : { token }),
      params: (["minSize", "maxSize", "desiredSize"] as const).flatMap((field) => {
        const value = requested[field];
        return value === undefined ? [] : [{ type: PARAM_TYPES[field], value: String(value) }];
      }),
      createdAt: now,
      completesAt: now + duration,
      from,
    };
    nodegroup.updates.push(update);
    nodegroup.scaling = to;
    if (to.desiredSize !== from.desiredSize) this.resizeNodes(cluster, nodegroup, to.desiredSize, now);
    return { update: this.updateShape(update) } satisfies UpdateNodegroupConfigResponse;
  }

  private describeUpdate(call: SandboxCall): Record<string, unknown> {
    const clusterName = String(call.input.name ?? "");
    const updateId = String(call.input.updateId ?? "");
    const notFound = () =>
      new ResourceNotFoundException({
        message: `No update found for ID: ${updateId}`,
        clusterName,
        $metadata: errorMetadata(call, 404),
      });
    // Cluster and add-on updates are not modelled, so an update without a nodegroup cannot exist.
    if (typeof call.input.nodegroupName !== "string") {
      this.requireCluster(call, clusterName);
      throw notFound();
    }
    const { nodegroup } = this.requireNodegroup(call, clusterName);
    const update = nodegroup.updates.find((candidate) => candidate.id === updateId);
    if (!update) throw notFound();
    return { update: this.updateShape(update) } satisfies DescribeUpdateResponse;
  }

  private updateShape(update: NodegroupUpdate): UpdateShape {
    const done = this.context.clock.now().getTime() >= update.completesAt;
    return {
      id: update.id,
      status: done ? "Successful" : "InProgress",
      type: "ConfigUpdate",
      params: update.params.map((param) => ({ ...param })),
      createdAt: new Date(update.createdAt),
      errors: [],
    };
  }

  private nodegroupShape(cluster: ClusterState, nodegroup: NodegroupState): NodegroupShape {
    const now = this.context.clock.now().getTime();
    const last = nodegroup.updates.at(-1);
    const modifiedAt = last ? Math.min(now, last.completesAt) : nodegroup.createdAt.getTime();
    return {
      nodegroupName: nodegroup.name,
      nodegroupArn: nodegroup.arn,
      clusterName: cluster.name,
      version: KUBERNETES_VERSION,
      releaseVersion: `${KUBERNETES_VERSION}.0-20260101`,
      createdAt: new Date(nodegroup.createdAt),
      modifiedAt: new Date(modifiedAt),
      status: this.statusOf(nodegroup),
      capacityType: "ON_DEMAND",
      scalingConfig: { ...nodegroup.scaling },
      instanceTypes: ["m5.large"],
      amiType: "AL2023_x86_64_STANDARD",
      nodeRole: `arn:aws:iam::${cluster.accountId}:role/${cluster.name}-nodes`,
      labels: {},
      diskSize: 20,
      health: { issues: [] },
      updateConfig: { maxUnavailable: 1 },
      tags: {},
    };
  }

  private statusOf(nodegroup: NodegroupState): "ACTIVE" | "UPDATING" {
    return this.pendingUpdate(nodegroup) ? "UPDATING" : "ACTIVE";
  }

  private pendingUpdate(nodegroup: NodegroupState): NodegroupUpdate | undefined {
    const now = this.context.clock.now().getTime();
    return nodegroup.updates.find((update) => update.completesAt > now);
  }

  private findNodegroup(region: string, clusterName: string, name: string): NodegroupState | undefined {
    return this.clusters.get(key(region, clusterName))?.nodegroups.get(name);
  }

  /** Only the clusters of the region called are visible, as with EKS's regional endpoints. */
  private requireCluster(call: SandboxCall, name: string): ClusterState {
    const cluster = this.clusters.get(key(call.region, name));
    if (!cluster) {
      throw new ResourceNotFoundException({
        message: `No cluster found for name: ${name}.`,
        clusterName: name,
        $metadata: errorMetadata(call, 404),
      });
    }
    return cluster;
  }

  private requireNodegroup(
    call: SandboxCall,
    clusterName: string,
  ): { cluster: ClusterState; nodegroup: NodegroupState } {
    const cluster = this.requireCluster(call, clusterName);
    const name = String(call.input.nodegroupName ?? "");
    const nodegroup = cluster.nodegroups.get(name);
    if (!nodegroup) {
      throw new ResourceNotFoundException({
        message: `No node group found for name: ${name}.`,
        clusterName: cluster.name,
        nodegroupName: name,
        $metadata: errorMetadata(call, 404),
      });
    }
    return { cluster, nodegroup };
  }
}

const PARAM_TYPES = { minSize: "MinSize", maxSize: "MaxSize", desiredSize: "DesiredSize" } as const;

/**
 * EKS's rules for a nodegroup's scaling configuration once the requested sizes are merged onto the
 * current ones, in the order EKS checks them and with its wording.
 */
function scalingProblem(scaling: Scaling): string | undefined {
  if (scaling.maxSize < 1) return "maxSize must be greater than or equal to 1";
  if (scaling.minSize < 0) return "minSize must be greater than or equal to 0";
  if (scaling.desiredSize < 0) return "desiredSize must be greater than or equal to 0";
  if (scaling.minSize > scaling.desiredSize) {
    return `Minimum capacity ${scaling.minSize} can't be greater than desired size ${scaling.desiredSize}`;
  }
  if (scaling.desiredSize > scaling.maxSize) {
    return `desired capacity ${scaling.desiredSize} can't be greater than max size ${scaling.maxSize}`;
  }
  return undefined;
}

function definedSizes(input: unknown): Partial<Scaling> {
  const sizes: Partial<Scaling> = {};
  if (typeof input !== "object" || input === null) return sizes;
  for (const field of ["minSize", "maxSize", "desiredSize"] as const) {
    const value = (input as Record<string, unknown>)[field];
    if (typeof value === "number") sizes[field] = value;
  }
  return sizes;
}

/** Page tokens are opaque to callers, as EKS's are; this one carries the offset of the next page. */
function tokenFor(offset: number): string {
  return Buffer.from(`nodegroups:${offset}`).toString("base64url");
}

function offsetFrom(token: unknown): number | undefined {
  if (typeof token !== "string") return undefined;
  const match = /^nodegroups:(\d+)$/.exec(Buffer.from(token, "base64url").toString());
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** A stable UUID-shaped identifier derived from a name, so runs of the sandbox are reproducible. */
function uuidFrom(text: string): string {
  let hex = "";
  for (let round = 0; hex.length < 32; round++) {
    let hash = 0x811c9dc5 ^ round;
    for (const char of `${round}:${text}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
    hex += (hash >>> 0).toString(16).padStart(8, "0");
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function key(region: string, clusterName: string): string {
  return `${region}/${clusterName}`;
}
