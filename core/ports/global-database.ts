/** The CloudWatch metrics that measure a secondary's lag; which one exists depends on the engine. */
export type LagMetric = "AuroraGlobalDBRPOLag" | "AuroraGlobalDBReplicationLag";

export interface EngineInfo {
  engine?: string | undefined;
  engineVersion?: string | undefined;
}

/** A lag read at decision time: null when CloudWatch had no datapoint, which is unknown, never 0. */
export interface LagReading {
  ms: number | null;
  metric: LagMetric;
}

export interface GlobalClusterMember {
  clusterArn: string;
  region: string;
  isWriter: boolean;
}

export interface GlobalClusterState {
  identifier: string;
  /** "available" when no switchover or failover is in progress. */
  status: string;
  /** aurora-postgresql, aurora-mysql: which lag metric the secondaries publish depends on it. */
  engine?: string;
  engineVersion?: string;
  members: GlobalClusterMember[];
  /** Present while a switchover or failover is in progress. */
  failover?: { fromClusterArn: string; toClusterArn: string; dataLossAllowed: boolean };
}

export type ClusterObservation = { answered: true; status: string } | { answered: false; error: string };

/** A mutating call's AWS request ID, which links its audit record to its CloudTrail event. */
export interface MutationReceipt {
  requestId: string;
}

/** Aurora Global Database, reached through one region's RDS endpoint. */
export interface GlobalDatabasePort {
  describe(globalClusterId: string, viaRegion: string): Promise<GlobalClusterState>;
  /** Whether a member cluster answers in its own region with a healthy status (backing-up counts). */
  clusterAvailable(clusterArn: string): Promise<boolean>;
  /**
   * One look at a member cluster through its own region's RDS API, with a short-timeout probe client:
   * its status, or that it did not answer (and why). Never throws.
   */
  observeCluster(clusterArn: string): Promise<ClusterObservation>;
  /** The replication lag of a secondary as CloudWatch reports it (RPO lag, else replication lag), in ms. */
  replicationLagMs(clusterArn: string): Promise<number | undefined>;
  /** The lag from the metric this engine publishes; ms null when CloudWatch has no datapoint. */
  replicationLag(clusterArn: string, engine: EngineInfo): Promise<LagReading>;
  /** Sent to the current primary's region, as the Aurora User Guide says a switchover is. */
  switchover(
    globalClusterId: string,
    targetClusterArn: string,
    primaryRegion: string,
  ): Promise<MutationReceipt>;
  /** Sent to the promoted secondary's region: the primary's region is what failed. */
  failover(globalClusterId: string, targetClusterArn: string, targetRegion: string): Promise<MutationReceipt>;
}
