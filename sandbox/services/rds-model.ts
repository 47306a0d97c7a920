import {
  DBClusterNotFoundFault,
  GlobalClusterNotFoundFault,
  InvalidDBClusterStateFault,
  InvalidGlobalClusterStateFault,
} from "@aws-sdk/client-rds";
import {
  errorMetadata,
  type ModelContext,
  type SandboxCall,
  type ServiceModel,
  type TrailResource,
} from "../service-model.js";

export interface RdsSeed {
  globalClusters: Array<{
    identifier: string;
    engine?: string;
    members: Array<{ arn: string; region: string; isWriter: boolean; replicationLagMs?: number }>;
  }>;
}

export interface RdsTimings {
  switchoverMs: number;
  failoverMs: number;
}

/** Aurora promotes a secondary in about a minute; a switchover also drains the old writer first. */
export const DEFAULT_RDS_TIMINGS: RdsTimings = { switchoverMs: 75_000, failoverMs: 45_000 };

interface Member {
  arn: string;
  region: string;
  isWriter: boolean;
  replicationLagMs: number;
}

interface Transition {
  kind: "switchover" | "failover";
  from: string;
  to: string;
  startedAt: number;
  completesAt: number;
  dataLossAllowed: boolean;
}

interface GlobalCluster {
  identifier: string;
  engine: string;
  members: Member[];
  transition?: Transition;
}

export interface FailoverRecord {
  at: Date;
  from: string;
  to: string;
  dataLossMs: number;
}

/**
 * Aurora Global Database as the workflows see it. Promotions take modelled time: the global cluster is
 * "switching-over" or "failing-over" until they complete, and any read after that sees the new writer.
 */
export class RdsModel implements ServiceModel {
  readonly service = "rds" as const;
  readonly eventSource = "rds.amazonaws.com";
  private readonly clusters = new Map<string, GlobalCluster>();
  private readonly timings: RdsTimings;
  private readonly failovers = new Map<string, FailoverRecord>();

  constructor(
    private readonly context: ModelContext,
    seed: RdsSeed,
    timings: Partial<RdsTimings> = {},
  ) {
    this.timings = { ...DEFAULT_RDS_TIMINGS, ...timings };
    for (const global of seed.globalClusters) {
      this.clusters.set(global.identifier, {
        identifier: global.identifier,
        engine: global.engine ?? "aurora-postgresql",
        members: global.members.map((member) => ({
          ...member,
          replicationLagMs: member.replicationLagMs ?? 0,
        })),
      });
    }
  }

  isMutating(operation: string): boolean {
    return operation === "SwitchoverGlobalCluster" || operation === "FailoverGlobalCluster";
  }

  resourcesOf(call: SandboxCall): TrailResource[] {
    const resources: TrailResource[] = [];
    if (typeof call.input.GlobalClusterIdentifier === "string") {
      resources.push({
        ResourceType: "AWS::RDS::GlobalCluster",
        ResourceName: call.input.GlobalClusterIdentifier,
      });
    }
    if (typeof call.input.TargetDbClusterIdentifier === "string") {
      resources.push({
        ResourceType: "AWS::RDS::DBCluster",
        ResourceName: call.input.TargetDbClusterIdentifier,
      });
    }
    return resources;
  }

  handle(call: SandboxCall): Record<string, unknown> {
    switch (call.operation) {
      case "DescribeGlobalClusters":
        return this.describeGlobalClusters(call);
      case "DescribeDBClusters":
        return this.describeDbClusters(call);
      case "SwitchoverGlobalCluster":
        return this.promote(call, "switchover");
      case "FailoverGlobalCluster":
        return this.promote(call, call.input.AllowDataLoss === true ? "failover" : "switchover");
      default:
        throw new Error(`the sandbox does not model rds:${call.operation}`);
    }
  }

  /** Sandbox inspection: the current writer, after any completed promotion. */
  writerOf(globalId: string): { arn: string; region: string } | undefined {
    const global = this.clusters.get(globalId);
    if (!global) return undefined;
    this.settle(global);
    const writer = global.members.find((member) => member.isWriter);
    return writer ? { arn: writer.arn, region: writer.region } : undefined;
  }

  statusOf(globalId: string): string | undefined {
    const global = this.clusters.get(globalId);
    return global ? this.status(global) : undefined;
  }

  setReplicationLag(clusterArn: string, ms: number): void {
    for (const global of this.clusters.values()) {
      for (const member of global.members) if (member.arn === clusterArn) member.replicationLagMs = ms;
    }
  }

  replicationLagMs(clusterArn: string): number | undefined {
    for (const global of this.clusters.values()) {
      const member = global.members.find((candidate) => candidate.arn === clusterArn);
      if (member) {
        this.settle(global);
        return member.isWriter ? undefined : member.replicationLagMs;
      }
    }
    return undefined;
  }

  /** The data an unplanned failover gave up: the target's lag at the moment of the call. */
  lastFailover(globalId: string): FailoverRecord | undefined {
    return this.failovers.get(globalId);
  }

  private describeGlobalClusters(call: SandboxCall): Record<string, unknown> {
    const id = call.input.GlobalClusterIdentifier;
    const selected =
      typeof id === "string"
        ? [this.requireGlobal(call, id)]
        : [...this.clusters.values()].filter((global) => this.visibleIn(global, call.region));
    return { GlobalClusters: selected.map((global) => this.globalShape(global)) };
  }

  private describeDbClusters(call: SandboxCall): Record<string, unknown> {
    const wanted = call.input.DBClusterIdentifier;
    const found: Record<string, unknown>[] = [];
    for (const global of this.clusters.values()) {
      this.settle(global);
      for (const member of global.members) {
        if (member.region !== call.region) continue;
        const id = clusterId(member.arn);
        if (typeof wanted === "string" && wanted !== id && wanted !== member.arn) continue;
        found.push(this.clusterShape(global, member));
      }
    }
    if (typeof wanted === "string" && found.length === 0) {
      throw new DBClusterNotFoundFault({
        message: `DBCluster ${wanted} not found.`,
        $metadata: errorMetadata(call, 404),
      });
    }
    return { DBClusters: found };
  }

  /**
   * SwitchoverGlobalCluster, and FailoverGlobalCluster without AllowDataLoss (which AWS treats as a
   * switchover), need the current writer to answer; only a failover with AllowDataLoss works without it.
   */
  private promote(call: SandboxCall, kind: "switchover" | "failover"): Record<string, unknown> {
    const global = this.requireGlobal(call, String(call.input.GlobalClusterIdentifier ?? ""));
    this.settle(global);
    const targetRef = String(call.input.TargetDbClusterIdentifier ?? "");
    if (global.transition) {
      throw new InvalidGlobalClusterStateFault({
        message: `Global cluster ${global.identifier} is in ${this.status(global)} state and cannot be modified.`,
        $metadata: errorMetadata(call),
      });
    }
    const target = global.members.find(
      (member) => member.arn === targetRef || clusterId(member.arn) === targetRef,
    );
    if (!target) {
      throw new DBClusterNotFoundFault({
        message: `DBCluster ${targetRef} is not a member of global cluster ${global.identifier}.`,
        $metadata: errorMetadata(call, 404),
      });
    }
    const writer = global.members.find((member) => member.isWriter);
    if (!writer || target.isWriter) {
      throw new InvalidGlobalClusterStateFault({
        message: `DBCluster ${target.arn} is already the primary cluster of global cluster ${global.identifier}.`,
        $metadata: errorMetadata(call),
      });
    }
    if (kind === "switchover" && !this.context.isRegionUp(writer.region)) {
      throw new InvalidGlobalClusterStateFault({
        message: `The primary cluster ${writer.arn} is unreachable, so a switchover cannot complete. Use FailoverGlobalCluster with AllowDataLoss to fail over.`,
        $metadata: errorMetadata(call),
      });
    }
    if (!this.context.isRegionUp(target.region)) {
      throw new InvalidDBClusterStateFault({
        message: `DBCluster ${target.arn} is not available.`,
        $metadata: errorMetadata(call),
      });
    }
    const now = this.context.clock.now().getTime();
    global.transition = {
      kind,
      from: writer.arn,
      to: target.arn,
      startedAt: now,
      completesAt: now + (kind === "switchover" ? this.timings.switchoverMs : this.timings.failoverMs),
      dataLossAllowed: kind === "failover",
    };
    if (kind === "failover") {
      this.failovers.set(global.identifier, {
        at: new Date(now),
        from: writer.arn,
        to: target.arn,
        dataLossMs: target.replicationLagMs,
      });
    }
    return { GlobalCluster: this.globalShape(global) };
  }

  /** Completes a promotion whose modelled duration has passed. */
  private settle(global: GlobalCluster): void {
    const transition = global.transition;
    if (!transition || this.context.clock.now().getTime() < transition.completesAt) return;
    // The old writer now replicates from the new one, with the lag the new writer had as a secondary.
    const lagAsSecondary =
      global.members.find((member) => member.arn === transition.to)?.replicationLagMs ?? 0;
    for (const member of global.members) {
      member.isWriter = member.arn === transition.to;
      if (member.isWriter) member.replicationLagMs = 0;
      else if (member.arn === transition.from) member.replicationLagMs = lagAsSecondary;
    }
    delete global.transition;
  }

  private status(global: GlobalCluster): string {
    this.settle(global);
    if (!global.transition) return "available";
    return global.transition.kind === "switchover" ? "switching-over" : "failing-over";
  }

  private globalShape(global: GlobalCluster): Record<string, unknown> {
    this.settle(global);
    const account = global.members[0]?.arn.split(":")[4] ?? "000000000000";
    return {
      GlobalClusterIdentifier: global.identifier,
      GlobalClusterArn: `arn:aws:rds::${account}:global-cluster:${global.identifier}`,
      GlobalClusterResourceId: `cluster-${global.identifier}`,
      Status: this.status(global),
      Engine: global.engine,
      StorageEncrypted: true,
      DeletionProtection: false,
      GlobalClusterMembers: global.members.map((member) => ({
        DBClusterArn: member.arn,
        IsWriter: member.isWriter,
        Readers: member.isWriter
          ? global.members.filter((other) => other !== member).map((other) => other.arn)
          : [],
        SynchronizationStatus: "connected",
      })),
      ...(global.transition
        ? {
            FailoverState: {
              Status: global.transition.kind === "switchover" ? "pending" : "failing-over",
              FromDbClusterArn: global.transition.from,
              ToDbClusterArn: global.transition.to,
              IsDataLossAllowed: global.transition.dataLossAllowed,
            },
          }
        : {}),
    };
  }

  private clusterShape(global: GlobalCluster, member: Member): Record<string, unknown> {
    const id = clusterId(member.arn);
    const involved =
      global.transition && (global.transition.to === member.arn || global.transition.from === member.arn);
    return {
      DBClusterIdentifier: id,
      DBClusterArn: member.arn,
      Status: involved
        ? global.transition?.kind === "switchover"
          ? "switching-over"
          : "failing-over"
        : "available",
      Engine: global.engine,
      Endpoint: `${id}.cluster-sandbox.${member.region}.rds.amazonaws.com`,
      ReaderEndpoint: `${id}.cluster-ro-sandbox.${member.region}.rds.amazonaws.com`,
      MultiAZ: true,
      GlobalClusterIdentifier: global.identifier,
    };
  }

  private requireGlobal(call: SandboxCall, id: string): GlobalCluster {
    const global = this.clusters.get(id);
    if (!global || !this.visibleIn(global, call.region)) {
      throw new GlobalClusterNotFoundFault({
        message: `Global cluster ${id} not found.`,
        $metadata: errorMetadata(call, 404),
      });
    }
    return global;
  }

  /** The global cluster API answers in the regions that host one of its members. */
  private visibleIn(global: GlobalCluster, region: string): boolean {
    return global.members.some((member) => member.region === region);
  }
}

function clusterId(arn: string): string {
  return arn.split(":").pop() ?? arn;
}
