import {
  type DBCluster,
  DBClusterNotFoundFault,
  type FailoverState,
  type FailoverStatus,
  GlobalClusterNotFoundFault,
  type GlobalCluster as GlobalClusterShape,
  InvalidDBClusterStateFault,
  InvalidGlobalClusterStateFault,
  RDSServiceException,
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

/**
 * How long FailoverState reads "pending" while Aurora verifies both clusters, before the promotion
 * proper shows as "switching-over" or "failing-over". Part of the promotion's duration, not added to it.
 */
const VERIFICATION_MS = 5_000;

export type GlobalClusterStatus = "available" | "switching-over" | "failing-over";

export interface FailoverRecord {
  at: Date;
  from: string;
  to: string;
  dataLossMs: number;
}

interface Member {
  arn: string;
  region: string;
  isWriter: boolean;
  replicationLagMs: number;
  /**
   * An old writer that an unplanned failover left behind rejoins as a secondary only once its region
   * answers again; until then Aurora reports it "pending-resync".
   */
  pendingResync: boolean;
}

interface Promotion {
  kind: "switchover" | "failover";
  from: string;
  to: string;
  startedAt: number;
  completesAt: number;
}

interface GlobalCluster {
  identifier: string;
  engine: string;
  members: Member[];
  promotion?: Promotion;
}

const RDS_MUTATING_OPERATIONS = new Set(["SwitchoverGlobalCluster", "FailoverGlobalCluster"]);

/**
 * Aurora Global Database as the workflows see it, through the regional RDS API. Promotions take modelled
 * time, computed lazily from the virtual clock: the global cluster is "switching-over" or "failing-over"
 * until a promotion's duration has passed, and any read after that sees the new writer.
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
          arn: member.arn,
          region: member.region,
          isWriter: member.isWriter,
          replicationLagMs: member.isWriter ? 0 : (member.replicationLagMs ?? 0),
          pendingResync: false,
        })),
      });
    }
  }

  isMutating(operation: string): boolean {
    return RDS_MUTATING_OPERATIONS.has(operation);
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
        return this.failoverGlobalCluster(call);
      default:
        throw new Error(`the sandbox does not model rds:${call.operation}`);
    }
  }

  /** Sandbox inspection: the current writer, after any completed promotion. */
  writerOf(globalId: string): { arn: string; region: string } | undefined {
    const global = this.settled(globalId);
    const writer = global?.members.find((member) => member.isWriter);
    return writer ? { arn: writer.arn, region: writer.region } : undefined;
  }

  /** Sandbox inspection: the global cluster's Status as DescribeGlobalClusters would report it now. */
  statusOf(globalId: string): GlobalClusterStatus | undefined {
    const global = this.settled(globalId);
    return global ? globalStatus(global) : undefined;
  }

  /** Sandbox control: how far a secondary is behind its writer, which is what a failover would lose. */
  setReplicationLag(clusterArn: string, ms: number): void {
    const found = this.memberByArn(clusterArn);
    if (!found) throw new Error(`no member cluster ${clusterArn} in the sandbox's global databases`);
    found.member.replicationLagMs = ms;
  }

  /** Sandbox inspection: a secondary's lag in ms; undefined for a writer or a cluster not replicating. */
  replicationLagMs(clusterArn: string): number | undefined {
    const found = this.memberByArn(clusterArn);
    if (!found) return undefined;
    this.settle(found.global);
    const { member } = found;
    return member.isWriter || member.pendingResync ? undefined : member.replicationLagMs;
  }

  /** Sandbox inspection: the member cluster ARN with this identifier in this region, if any. */
  clusterArnOf(region: string, clusterIdentifier: string): string | undefined {
    for (const global of this.clusters.values()) {
      const member = global.members.find(
        (candidate) => candidate.region === region && clusterId(candidate.arn) === clusterIdentifier,
      );
      if (member) return member.arn;
    }
    return undefined;
  }

  /** Sandbox inspection: the last unplanned failover, with the data it gave up (the target's lag then). */
  lastFailover(globalId: string): FailoverRecord | undefined {
    return this.failovers.get(globalId);
  }

  private describeGlobalClusters(call: SandboxCall): Record<string, unknown> {
    const id = optionalString(call, "GlobalClusterIdentifier");
    const selected =
      id === undefined
        ? [...this.clusters.values()].filter((global) => visibleIn(global, call.region))
        : [this.requireGlobal(call, id)];
    return { GlobalClusters: selected.map((global) => this.globalShape(global)) };
  }

  private describeDbClusters(call: SandboxCall): Record<string, unknown> {
    const wanted = optionalString(call, "DBClusterIdentifier");
    const found: DBCluster[] = [];
    for (const global of this.clusters.values()) {
      this.settle(global);
      for (const member of global.members) {
        // Each region's RDS endpoint knows only its own clusters, whatever global database they are in.
        if (member.region !== call.region) continue;
        if (wanted !== undefined && wanted !== clusterId(member.arn) && wanted !== member.arn) continue;
        found.push(clusterShape(global, member));
      }
    }
    if (wanted !== undefined && found.length === 0) {
      throw new DBClusterNotFoundFault({
        message: `DBCluster ${wanted} not found.`,
        $metadata: errorMetadata(call, 404),
      });
    }
    return { DBClusters: found };
  }

  /**
   * FailoverGlobalCluster is a failover only with AllowDataLoss; otherwise it is a switchover, and fails
   * like one when the primary's region is gone. AWS rejects the two flags together.
   */
  private failoverGlobalCluster(call: SandboxCall): Record<string, unknown> {
    if (call.input.AllowDataLoss !== undefined && call.input.Switchover !== undefined) {
      throw rdsError(
        call,
        "InvalidParameterCombination",
        "Cannot specify both AllowDataLoss and Switchover. Specify AllowDataLoss to fail over, or Switchover (or neither) to switch over.",
      );
    }
    return this.promote(call, call.input.AllowDataLoss === true ? "failover" : "switchover");
  }

  private promote(call: SandboxCall, kind: Promotion["kind"]): Record<string, unknown> {
    const global = this.requireGlobal(call, requiredString(call, "GlobalClusterIdentifier"));
    const targetRef = requiredString(call, "TargetDbClusterIdentifier");
    this.settle(global);
    if (global.promotion) {
      throw new InvalidGlobalClusterStateFault({
        message: `Global cluster ${global.identifier} is ${globalStatus(global)} and cannot be modified until that completes.`,
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
    if (!this.context.isRegionUp(target.region)) {
      throw new InvalidDBClusterStateFault({
        message: `DBCluster ${target.arn} is not available for promotion.`,
        $metadata: errorMetadata(call),
      });
    }
    // A switchover demotes the writer and drains it first; with the writer's region gone it cannot start.
    if (kind === "switchover" && !this.context.isRegionUp(writer.region)) {
      throw new InvalidGlobalClusterStateFault({
        message: `The primary cluster ${writer.arn} of global cluster ${global.identifier} is unreachable, so a switchover cannot complete. Use FailoverGlobalCluster with AllowDataLoss to fail over.`,
        $metadata: errorMetadata(call),
      });
    }
    const now = this.context.clock.now().getTime();
    global.promotion = {
      kind,
      from: writer.arn,
      to: target.arn,
      startedAt: now,
      completesAt: now + (kind === "switchover" ? this.timings.switchoverMs : this.timings.failoverMs),
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

  /** Completes a promotion whose modelled duration has passed, and lets a recovered old writer rejoin. */
  private settle(global: GlobalCluster): void {
    const promotion = global.promotion;
    if (promotion && this.context.clock.now().getTime() >= promotion.completesAt) {
      // The old writer replicates from the new one, about as far behind as the new writer was.
      const lagAsSecondary =
        global.members.find((member) => member.arn === promotion.to)?.replicationLagMs ?? 0;
      for (const member of global.members) {
        member.isWriter = member.arn === promotion.to;
        if (member.isWriter) member.replicationLagMs = 0;
        else if (member.arn === promotion.from) {
          member.replicationLagMs = lagAsSecondary;
          member.pendingResync = promotion.kind === "failover";
        }
      }
      delete global.promotion;
    }
    for (const member of global.members) {
      if (member.pendingResync && this.context.isRegionUp(member.region)) member.pendingResync = false;
    }
  }

  private settled(globalId: string): GlobalCluster | undefined {
    const global = this.clusters.get(globalId);
    if (global) this.settle(global);
    return global;
  }

  private globalShape(global: GlobalCluster): GlobalClusterShape {
    this.settle(global);
    const account = global.members[0]?.arn.split(":")[4] ?? "000000000000";
    const failoverState = this.failoverState(global);
    return {
      GlobalClusterIdentifier: global.identifier,
      GlobalClusterResourceId: `cluster-${global.identifier}`,
      GlobalClusterArn: `arn:aws:rds::${account}:global-cluster:${global.identifier}`,
      Status: globalStatus(global),
      Engine: global.engine,
      EngineVersion: engineDefaults(global.engine).version,
      StorageEncrypted: true,
      DeletionProtection: false,
      Endpoint: `${global.identifier}.global-sandbox.global.rds.amazonaws.com`,
      GlobalClusterMembers: global.members.map((member) => ({
        DBClusterArn: member.arn,
        Readers: member.isWriter
          ? global.members.filter((other) => other !== member).map((other) => other.arn)
          : [],
        IsWriter: member.isWriter,
        SynchronizationStatus: member.pendingResync ? "pending-resync" : "connected",
      })),
      ...(failoverState ? { FailoverState: failoverState } : {}),
    };
  }

  private failoverState(global: GlobalCluster): FailoverState | undefined {
    const promotion = global.promotion;
    if (!promotion) return undefined;
    const verifying = this.context.clock.now().getTime() < promotion.startedAt + VERIFICATION_MS;
    return {
      // The API reference documents "switching-over" for switchovers; the SDK's enum predates it.
      Status: verifying
        ? "pending"
        : promotion.kind === "switchover"
          ? ("switching-over" as FailoverStatus)
          : "failing-over",
      FromDbClusterArn: promotion.from,
      ToDbClusterArn: promotion.to,
      IsDataLossAllowed: promotion.kind === "failover",
    };
  }

  private requireGlobal(call: SandboxCall, id: string): GlobalCluster {
    const global = this.clusters.get(id);
    if (!global || !visibleIn(global, call.region)) {
      throw new GlobalClusterNotFoundFault({
        message: `Global cluster ${id} not found.`,
        $metadata: errorMetadata(call, 404),
      });
    }
    return global;
  }

  private memberByArn(clusterArn: string): { global: GlobalCluster; member: Member } | undefined {
    for (const global of this.clusters.values()) {
      const member = global.members.find((candidate) => candidate.arn === clusterArn);
      if (member) return { global, member };
    }
    return undefined;
  }
}

function globalStatus(global: GlobalCluster): GlobalClusterStatus {
  if (!global.promotion) return "available";
  return global.promotion.kind === "switchover" ? "switching-over" : "failing-over";
}

function clusterShape(global: GlobalCluster, member: Member): DBCluster {
  const id = clusterId(member.arn);
  const { port, version } = engineDefaults(global.engine);
  const involved = global.promotion?.from === member.arn || global.promotion?.to === member.arn;
  return {
    DBClusterIdentifier: id,
    DBClusterArn: member.arn,
    // "failing-over" is the DB cluster status Aurora documents for a cluster whose writer is changing;
    // the global cluster's own Status is what tells a switchover from a failover.
    Status: involved ? "failing-over" : "available",
    Engine: global.engine,
    EngineVersion: version,
    EngineMode: "provisioned",
    Port: port,
    Endpoint: `${id}.cluster-sandbox.${member.region}.rds.amazonaws.com`,
    ReaderEndpoint: `${id}.cluster-ro-sandbox.${member.region}.rds.amazonaws.com`,
    MultiAZ: true,
    StorageEncrypted: true,
    DeletionProtection: false,
    DbClusterResourceId: `cluster-${id}`,
    GlobalClusterIdentifier: global.identifier,
    // A secondary cluster of a global database has reader instances only.
    DBClusterMembers: [
      {
        DBInstanceIdentifier: `${id}-instance-1`,
        IsClusterWriter: member.isWriter,
        DBClusterParameterGroupStatus: "in-sync",
        PromotionTier: 1,
      },
    ],
  };
}

function engineDefaults(engine: string): { port: number; version: string } {
  return engine === "aurora-mysql"
    ? { port: 3306, version: "8.0.mysql_aurora.3.08.0" }
    : { port: 5432, version: "16.6" };
}

/** The global cluster API answers in the regions that host one of its members. */
function visibleIn(global: GlobalCluster, region: string): boolean {
  return global.members.some((member) => member.region === region);
}

function clusterId(arn: string): string {
  return arn.split(":").pop() ?? arn;
}

function optionalString(call: SandboxCall, name: string): string | undefined {
  const value = call.input[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The SDK does not check required members client-side; the service answers MissingParameter. */
function requiredString(call: SandboxCall, name: string): string {
  const value = optionalString(call, name);
  if (value === undefined) {
    throw rdsError(call, "MissingParameter", `The request must contain the parameter ${name}.`);
  }
  return value;
}

/** A client error the RDS SDK has no class of its own for (the query protocol's common errors). */
function rdsError(call: SandboxCall, name: string, message: string): RDSServiceException {
  return new RDSServiceException({ name, $fault: "client", message, $metadata: errorMetadata(call) });
}
