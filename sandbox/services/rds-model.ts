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
import { lagMetricFor } from "../../core/failover/lag-metric.js";
import { DEFAULT_LATENCIES } from "../latencies.js";
import {
  errorMetadata,
  type ModelContext,
  type SandboxCall,
  type ServiceModel,
  type TrailResource,
} from "../service-model.js";
import {
  acceptsAt,
  DEFAULT_FENCING_TIMINGS,
  type FencingTimings,
  WriteHistory,
  type WriterInterval,
} from "./rds-write-history.js";

export interface RdsSeed {
  globalClusters: Array<{
    identifier: string;
    engine?: string;
    /** Default: the engine's recent version; "8.0.mysql_aurora.3.03.1" models an engine without RPO lag. */
    engineVersion?: string;
    members: Array<{ arn: string; region: string; isWriter: boolean; replicationLagMs?: number }>;
  }>;
}

export interface RdsTimings {
  switchoverMs: number;
  failoverMs: number;
}

/** Aurora promotes a secondary in about a minute; a switchover also drains the old writer first (sandbox/latencies.ts). */
export const DEFAULT_RDS_TIMINGS: RdsTimings = {
  switchoverMs: DEFAULT_LATENCIES.auroraSwitchover,
  failoverMs: DEFAULT_LATENCIES.auroraFailover,
};

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
  /** When an old primary's region was first seen answering again after the failover that left it behind. */
  returnedAt?: number;
  /** A DB cluster status set by a scenario (backing-up, stopped, ...); absent: "available". */
  status?: string;
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
  engineVersion: string;
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
  private readonly writes = new WriteHistory();
  private readonly fencing: FencingTimings;

  constructor(
    private readonly context: ModelContext,
    seed: RdsSeed,
    timings: Partial<RdsTimings> = {},
    fencing: Partial<FencingTimings> = {},
  ) {
    this.fencing = { ...DEFAULT_FENCING_TIMINGS, ...fencing };
    this.timings = { ...DEFAULT_RDS_TIMINGS, ...timings };
    for (const global of seed.globalClusters) {
      this.clusters.set(global.identifier, {
        identifier: global.identifier,
        engine: global.engine ?? "aurora-postgresql",
        engineVersion: global.engineVersion ?? engineDefaults(global.engine ?? "aurora-postgresql").version,
        members: global.members.map((member) => ({
          arn: member.arn,
          region: member.region,
          isWriter: member.isWriter,
          replicationLagMs: member.isWriter ? 0 : (member.replicationLagMs ?? 0),
          pendingResync: false,
        })),
      });
      for (const member of global.members) {
        if (member.isWriter) this.writes.open(global.identifier, member, "primary", context.clock.now());
      }
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
    return member.isWriter || member.pendingResync ? undefined : this.currentLagMs(found.global, member);
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

  // --- Promotion evidence and lag (issue 11, items 1 and 3): statuses, lag metrics, where to call ---

  /** Sandbox control: a member cluster's DB cluster status, as Aurora's documented list has them. */
  setClusterStatus(clusterArn: string, status: string | undefined): void {
    const found = this.memberByArn(clusterArn);
    if (!found) throw new Error(`no member cluster ${clusterArn} in the sandbox's global databases`);
    if (status === undefined || status === "available") delete found.member.status;
    else found.member.status = status;
  }

  /**
   * Sandbox inspection for CloudWatch: whether the cluster publishes this lag metric. AuroraGlobalDBRPOLag
   * exists for Aurora PostgreSQL and Aurora MySQL 3.04 / 2.12 and later only; AuroraGlobalDBReplicationLag
   * for every version (Aurora User Guide, "Monitoring Amazon Aurora global databases",
   * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-monitoring.html).
   */
  publishesLagMetric(clusterArn: string, metricName: string): boolean {
    const found = this.memberByArn(clusterArn);
    if (!found) return false;
    if (metricName === "AuroraGlobalDBReplicationLag") return true;
    return (
      metricName === "AuroraGlobalDBRPOLag" &&
      lagMetricFor({ engine: found.global.engine, engineVersion: found.global.engineVersion }) ===
        "AuroraGlobalDBRPOLag"
    );
  }

  /**
   * A secondary's lag now. While the writer's region is down nothing reaches the secondary, so its lag
   * grows with the outage: AWS warns that during a cross-Region disruption the RPO lag may keep
   * increasing (Aurora User Guide, "Monitoring Amazon Aurora global databases", AuroraGlobalDBRPOLag;
   * and "Recovering an Amazon Aurora global database from an unplanned outage": replication ceases).
   */
  private currentLagMs(global: GlobalCluster, member: Member): number {
    const writer = global.members.find((candidate) => candidate.isWriter);
    const since = writer ? this.context.regionDownSince?.(writer.region) : undefined;
    if (member.isWriter || since === undefined) return member.replicationLagMs;
    return member.replicationLagMs + Math.max(0, this.context.clock.now().getTime() - since.getTime());
  }

  /**
   * Where each promotion must be sent. SwitchoverGlobalCluster (and FailoverGlobalCluster without
   * AllowDataLoss, which is one) goes to "the AWS Region where the primary DB cluster of the Aurora global
   * database is running"; FailoverGlobalCluster with AllowDataLoss to the Region of the secondary being
   * promoted, since the primary's is the one that failed (Aurora User Guide, "Using switchover or failover
   * in Amazon Aurora Global Database", CLI procedures,
   * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html).
   * The API reference documents no error of its own for this; InvalidGlobalClusterStateFault is the fault
   * both operations list for a request the global cluster cannot take.
   */
  private checkPromotionRegion(call: SandboxCall, global: GlobalCluster, kind: Promotion["kind"]): void {
    const targetRef = optionalString(call, "TargetDbClusterIdentifier");
    const target = global.members.find(
      (member) => member.arn === targetRef || clusterId(member.arn) === targetRef,
    );
    const writer = global.members.find((member) => member.isWriter);
    const expected = kind === "switchover" ? writer : target;
    if (!expected || expected.region === call.region) return;
    // The primary being unreachable is its own, clearer error (see promote).
    if (kind === "switchover" && !this.context.isRegionUp(expected.region)) return;
    throw new InvalidGlobalClusterStateFault({
      message:
        kind === "switchover"
          ? `A switchover of global cluster ${global.identifier} must be requested in the primary cluster's Region ${expected.region}, not ${call.region}.`
          : `A failover of global cluster ${global.identifier} with AllowDataLoss must be requested in the Region of the target cluster ${expected.region}, not ${call.region}.`,
      $metadata: errorMetadata(call),
    });
  }

  /** Sandbox inspection: the last unplanned failover, with the data it gave up (the target's lag then). */
  lastFailover(globalId: string): FailoverRecord | undefined {
    return this.failovers.get(globalId);
  }

  /**
   * Sandbox inspection: every span in which a member cluster accepted writes, the primary's and any old
   * primary's that Aurora had not fenced yet ("stale"). The drill judges `oneWriter` on it.
   */
  writerHistory(globalId: string): WriterInterval[] {
    this.settled(globalId);
    return this.writes.of(globalId);
  }

  /** Sandbox inspection: the member clusters that accepted writes at that instant. */
  writersAt(globalId: string, at: Date): WriterInterval[] {
    return this.writerHistory(globalId).filter((span) => acceptsAt(span, at));
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
        found.push(clusterShape(global, member, this.claimsWriter(member)));
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
    this.checkPromotionRegion(call, global, kind);
    if (target.pendingResync) {
      throw new InvalidDBClusterStateFault({
        message: `DBCluster ${target.arn} is being rebuilt as a secondary of global cluster ${global.identifier} and cannot be promoted until it is synchronized.`,
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
    // A switchover demotes the writer before promoting; a failover fences it, best effort (see fence()).
    this.writes.close(global.identifier, writer.arn, new Date(now));
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
        dataLossMs: this.currentLagMs(global, target),
      });
    }
    return { GlobalCluster: this.globalShape(global) };
  }

  /** Completes a promotion whose modelled duration has passed, and lets a recovered old writer rejoin. */
  private settle(global: GlobalCluster): void {
    const promotion = global.promotion;
    if (promotion && this.context.clock.now().getTime() >= promotion.completesAt) {
      // The old writer replicates from the new one, about as far behind as the new writer was.
      // A failover's is what the target had missed when it began (its lag grew no further once promoted).
      const promotedMember = global.members.find((member) => member.arn === promotion.to);
      const lagAsSecondary =
        promotion.kind === "failover"
          ? (this.failovers.get(global.identifier)?.dataLossMs ?? 0)
          : (promotedMember?.replicationLagMs ?? 0);
      for (const member of global.members) {
        member.isWriter = member.arn === promotion.to;
        if (member.isWriter) member.replicationLagMs = 0;
        else if (member.arn === promotion.from) {
          member.replicationLagMs = lagAsSecondary;
          member.pendingResync = promotion.kind === "failover";
        }
      }
      delete global.promotion;
      const promoted = global.members.find((member) => member.arn === promotion.to);
      if (promoted) this.writes.open(global.identifier, promoted, "primary", new Date(promotion.completesAt));
      // An old primary whose region answers already is back from the moment the failover completed.
      const demoted = global.members.find((member) => member.arn === promotion.from);
      if (demoted) this.fence(global, demoted, promotion.completesAt);
    }
    for (const member of global.members) this.fence(global, member);
  }

  /**
   * An old primary that a data-loss failover left behind, once its region answers again. Aurora's fencing
   * of it is best effort: "writes might be momentarily accepted in the old primary Region", and Aurora
   * then adds it back as a secondary, building new storage, which takes minutes or longer (Aurora user
   * guide, "Using switchover or failover in Amazon Aurora Global Database", managed failover and
   * recovering from an unplanned outage,
   * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html).
   * So for `staleWriterMs` it still claims the writer role and takes writes, then it is "pending-resync"
   * for `resyncMs`, then a connected secondary. The return is seen at the first read after the region
   * answers (the drill reads every modelled second).
   */
  private fence(global: GlobalCluster, member: Member, backSince?: number): void {
    if (!member.pendingResync || !this.context.isRegionUp(member.region)) return;
    const now = this.context.clock.now().getTime();
    if (member.returnedAt === undefined) {
      const back = backSince ?? now;
      member.returnedAt = back;
      if (this.fencing.staleWriterMs > 0) {
        this.writes.open(global.identifier, member, "stale", new Date(back));
        this.writes.close(global.identifier, member.arn, new Date(back + this.fencing.staleWriterMs));
      }
    }
    if (now >= member.returnedAt + this.fencing.staleWriterMs + this.fencing.resyncMs) {
      member.pendingResync = false;
      delete member.returnedAt;
    }
  }

  /** Whether a member reports itself the writer now: the primary, or an old primary not fenced yet. */
  private claimsWriter(member: Member): boolean {
    if (member.isWriter) return true;
    const now = this.context.clock.now().getTime();
    return (
      member.pendingResync &&
      member.returnedAt !== undefined &&
      now < member.returnedAt + this.fencing.staleWriterMs
    );
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
      EngineVersion: global.engineVersion,
      StorageEncrypted: true,
      DeletionProtection: false,
      Endpoint: `${global.identifier}.global-sandbox.global.rds.amazonaws.com`,
      GlobalClusterMembers: global.members.map((member) => ({
        DBClusterArn: member.arn,
        Readers: member.isWriter
          ? global.members.filter((other) => other !== member).map((other) => other.arn)
          : [],
        IsWriter: this.claimsWriter(member),
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

function clusterShape(global: GlobalCluster, member: Member, claimsWriter = member.isWriter): DBCluster {
  const id = clusterId(member.arn);
  const { port } = engineDefaults(global.engine);
  const involved = global.promotion?.from === member.arn || global.promotion?.to === member.arn;
  return {
    DBClusterIdentifier: id,
    DBClusterArn: member.arn,
    // "failing-over" is the DB cluster status Aurora documents for a cluster whose writer is changing;
    // the global cluster's own Status is what tells a switchover from a failover.
    Status: involved ? "failing-over" : (member.status ?? "available"),
    Engine: global.engine,
    EngineVersion: global.engineVersion,
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
        IsClusterWriter: claimsWriter,
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
