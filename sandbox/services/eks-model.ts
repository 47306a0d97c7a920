import {
  InvalidParameterException,
  ResourceInUseException,
  ResourceNotFoundException,
} from "@aws-sdk/client-eks";
import {
  errorMetadata,
  type ModelContext,
  type SandboxCall,
  type ServiceModel,
  type TrailResource,
} from "../service-model.js";

export interface EksSeed {
  clusters: Array<{
    name: string;
    region: string;
    accountId: string;
    nodegroups: Array<{ name: string; minSize: number; maxSize: number; desiredSize: number }>;
  }>;
}

export interface EksTimings {
  /** New nodes take minutes to join: a fixed part plus a part per added node. */
  scaleBaseMs: number;
  scalePerNodeMs: number;
  scaleDownMs: number;
}

export const DEFAULT_EKS_TIMINGS: EksTimings = {
  scaleBaseMs: 120_000,
  scalePerNodeMs: 15_000,
  scaleDownMs: 60_000,
};

interface Scaling {
  minSize: number;
  maxSize: number;
  desiredSize: number;
}

interface Update {
  id: string;
  token?: string;
  params: Array<{ type: string; value: string }>;
  createdAt: number;
  completesAt: number;
  from: Scaling;
  to: Scaling;
}

interface Nodegroup {
  name: string;
  scaling: Scaling;
  createdAt: Date;
  updates: Update[];
}

interface Cluster {
  name: string;
  region: string;
  accountId: string;
  nodegroups: Map<string, Nodegroup>;
}

const PAGE_SIZE = 100;

/**
 * EKS managed nodegroups: an UpdateNodegroupConfig leaves the nodegroup UPDATING until the new nodes
 * have joined (modelled time), and EKS's own validation and concurrency rules apply.
 */
export class EksModel implements ServiceModel {
  readonly service = "eks" as const;
  readonly eventSource = "eks.amazonaws.com";
  private readonly clusters = new Map<string, Cluster>();
  private readonly timings: EksTimings;
  private updateCount = 0;

  constructor(
    private readonly context: ModelContext,
    seed: EksSeed,
    timings: Partial<EksTimings> = {},
  ) {
    this.timings = { ...DEFAULT_EKS_TIMINGS, ...timings };
    const createdAt = context.clock.now();
    for (const cluster of seed.clusters) {
      this.clusters.set(key(cluster.region, cluster.name), {
        name: cluster.name,
        region: cluster.region,
        accountId: cluster.accountId,
        nodegroups: new Map(
          cluster.nodegroups.map((nodegroup) => [
            nodegroup.name,
            {
              name: nodegroup.name,
              scaling: {
                minSize: nodegroup.minSize,
                maxSize: nodegroup.maxSize,
                desiredSize: nodegroup.desiredSize,
              },
              createdAt,
              updates: [],
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
    if (typeof call.input.clusterName === "string") {
      resources.push({ ResourceType: "AWS::EKS::Cluster", ResourceName: call.input.clusterName });
    }
    return resources;
  }

  handle(call: SandboxCall): Record<string, unknown> {
    switch (call.operation) {
      case "DescribeCluster":
        return this.describeCluster(call);
      case "ListNodegroups":
        return this.listNodegroups(call);
      case "DescribeNodegroup":
        return { nodegroup: this.nodegroupShape(call, this.requireNodegroup(call)) };
      case "UpdateNodegroupConfig":
        return this.updateNodegroupConfig(call);
      case "DescribeUpdate":
        return this.describeUpdate(call);
      default:
        throw new Error(`the sandbox does not model eks:${call.operation}`);
    }
  }

  /** Sandbox inspection: nodes actually joined (the old size until an update completes). */
  readyNodes(region: string, clusterName: string, nodegroupName: string): number {
    const nodegroup = this.clusters.get(key(region, clusterName))?.nodegroups.get(nodegroupName);
    if (!nodegroup) return 0;
    const pending = this.pendingUpdate(nodegroup);
    return pending ? pending.from.desiredSize : nodegroup.scaling.desiredSize;
  }

  /** For "standby not ready" scenarios: a nodegroup whose max cannot take the active size. */
  setNodegroupMax(region: string, clusterName: string, nodegroupName: string, maxSize: number): void {
    const nodegroup = this.clusters.get(key(region, clusterName))?.nodegroups.get(nodegroupName);
    if (!nodegroup) throw new Error(`no nodegroup ${nodegroupName} in ${region}/${clusterName}`);
    nodegroup.scaling = {
      maxSize,
      minSize: Math.min(nodegroup.scaling.minSize, maxSize),
      desiredSize: Math.min(nodegroup.scaling.desiredSize, maxSize),
    };
  }

  nodegroup(region: string, clusterName: string, name: string): (Scaling & { status: string }) | undefined {
    const nodegroup = this.clusters.get(key(region, clusterName))?.nodegroups.get(name);
    if (!nodegroup) return undefined;
    return { ...nodegroup.scaling, status: this.pendingUpdate(nodegroup) ? "UPDATING" : "ACTIVE" };
  }

  private describeCluster(call: SandboxCall): Record<string, unknown> {
    const cluster = this.requireCluster(call, String(call.input.name ?? ""));
    return {
      cluster: {
        name: cluster.name,
        arn: `arn:aws:eks:${cluster.region}:${cluster.accountId}:cluster/${cluster.name}`,
        status: "ACTIVE",
        version: "1.33",
        endpoint: `https://${cluster.name}.sandbox.${cluster.region}.eks.amazonaws.com`,
        createdAt: new Date(0),
      },
    };
  }

  private listNodegroups(call: SandboxCall): Record<string, unknown> {
    const cluster = this.requireCluster(call, String(call.input.clusterName ?? ""));
    const names = [...cluster.nodegroups.keys()].sort();
    const start = typeof call.input.nextToken === "string" ? Number(call.input.nextToken) : 0;
    const size = typeof call.input.maxResults === "number" ? call.input.maxResults : PAGE_SIZE;
    const page = names.slice(start, start + size);
    const next = start + size < names.length ? String(start + size) : undefined;
    return { nodegroups: page, ...(next ? { nextToken: next } : {}) };
  }

  private updateNodegroupConfig(call: SandboxCall): Record<string, unknown> {
    const nodegroup = this.requireNodegroup(call);
    const token =
      typeof call.input.clientRequestToken === "string" ? call.input.clientRequestToken : undefined;
    const repeated = token ? nodegroup.updates.find((update) => update.token === token) : undefined;
    if (repeated) return { update: this.updateShape(repeated) };
    if (this.pendingUpdate(nodegroup)) {
      throw new ResourceInUseException({
        message: `Nodegroup ${nodegroup.name} is currently being updated. Wait for the update to complete and try again.`,
        $metadata: errorMetadata(call, 409),
      });
    }
    const requested = (call.input.scalingConfig ?? {}) as Partial<Scaling>;
    const to: Scaling = { ...nodegroup.scaling, ...definedOnly(requested) };
    validateScaling(call, to);
    const from = { ...nodegroup.scaling };
    const now = this.context.clock.now().getTime();
    const added = Math.max(0, to.desiredSize - from.desiredSize);
    const duration =
      added > 0 ? this.timings.scaleBaseMs + added * this.timings.scalePerNodeMs : this.timings.scaleDownMs;
    this.updateCount += 1;
    const update: Update = {
      id: `00000000-0000-4000-8000-${String(this.updateCount).padStart(12, "0")}`,
      ...(token ? { token } : {}),
      params: Object.entries(definedOnly(requested)).map(([name, value]) => ({
        type: capitalise(name),
        value: String(value),
      })),
      createdAt: now,
      completesAt: now + duration,
      from,
      to,
    };
    nodegroup.updates.push(update);
    // Like EKS, the requested configuration shows at once; the nodes follow once the update completes.
    nodegroup.scaling = to;
    return { update: this.updateShape(update) };
  }

  private describeUpdate(call: SandboxCall): Record<string, unknown> {
    const nodegroup = this.requireNodegroup(call, String(call.input.name ?? ""));
    const update = nodegroup.updates.find((candidate) => candidate.id === call.input.updateId);
    if (!update) {
      throw new ResourceNotFoundException({
        message: `No update found for ID: ${String(call.input.updateId)}`,
        $metadata: errorMetadata(call, 404),
      });
    }
    return { update: this.updateShape(update) };
  }

  private updateShape(update: Update): Record<string, unknown> {
    const done = this.context.clock.now().getTime() >= update.completesAt;
    return {
      id: update.id,
      status: done ? "Successful" : "InProgress",
      type: "ConfigUpdate",
      params: update.params,
      createdAt: new Date(update.createdAt),
      errors: [],
    };
  }

  private nodegroupShape(call: SandboxCall, nodegroup: Nodegroup): Record<string, unknown> {
    const cluster = this.requireCluster(call, String(call.input.clusterName ?? ""));
    const last = nodegroup.updates.at(-1);
    return {
      nodegroupName: nodegroup.name,
      nodegroupArn: `arn:aws:eks:${cluster.region}:${cluster.accountId}:nodegroup/${cluster.name}/${nodegroup.name}/sandbox`,
      clusterName: cluster.name,
      status: this.pendingUpdate(nodegroup) ? "UPDATING" : "ACTIVE",
      scalingConfig: { ...nodegroup.scaling },
      capacityType: "ON_DEMAND",
      createdAt: nodegroup.createdAt,
      modifiedAt: last ? new Date(last.createdAt) : nodegroup.createdAt,
      health: { issues: [] },
    };
  }

  private pendingUpdate(nodegroup: Nodegroup): Update | undefined {
    const now = this.context.clock.now().getTime();
    return nodegroup.updates.find((update) => update.completesAt > now);
  }

  private requireCluster(call: SandboxCall, name: string): Cluster {
    const cluster = this.clusters.get(key(call.region, name));
    if (!cluster) {
      throw new ResourceNotFoundException({
        message: `No cluster found for name: ${name}.`,
        $metadata: errorMetadata(call, 404),
      });
    }
    return cluster;
  }

  private requireNodegroup(call: SandboxCall, clusterName = String(call.input.clusterName ?? "")): Nodegroup {
    const cluster = this.requireCluster(call, clusterName);
    const name = String(call.input.nodegroupName ?? "");
    const nodegroup = cluster.nodegroups.get(name);
    if (!nodegroup) {
      throw new ResourceNotFoundException({
        message: `No node group found for name: ${name}.`,
        $metadata: errorMetadata(call, 404),
      });
    }
    return nodegroup;
  }
}

/** EKS's own rules for a nodegroup's scaling configuration. */
function validateScaling(call: SandboxCall, scaling: Scaling): void {
  const problem =
    scaling.maxSize < 1
      ? "Maximum capacity must be at least 1"
      : scaling.minSize < 0 || scaling.desiredSize < 0
        ? "Minimum and desired capacity can't be negative"
        : scaling.minSize > scaling.maxSize
          ? "Minimum capacity can't be greater than maximum capacity"
          : scaling.desiredSize > scaling.maxSize
            ? "Desired capacity can't be greater than max size"
            : scaling.desiredSize < scaling.minSize
              ? "Minimum capacity can't be greater than desired size"
              : undefined;
  if (problem) {
    throw new InvalidParameterException({
      message: `${problem} (${scaling.minSize}/${scaling.desiredSize}/${scaling.maxSize}).`,
      $metadata: errorMetadata(call),
    });
  }
}

function definedOnly(scaling: Partial<Scaling>): Partial<Scaling> {
  return Object.fromEntries(
    Object.entries(scaling).filter(([, value]) => typeof value === "number"),
  ) as Partial<Scaling>;
}

function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function key(region: string, clusterName: string): string {
  return `${region}/${clusterName}`;
}
