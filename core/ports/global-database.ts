export interface GlobalClusterMember {
  clusterArn: string;
  region: string;
  isWriter: boolean;
}

export interface GlobalClusterState {
  identifier: string;
  /** "available" when no switchover or failover is in progress. */
  status: string;
  members: GlobalClusterMember[];
  /** Present while a switchover or failover is in progress. */
  failover?: { fromClusterArn: string; toClusterArn: string; dataLossAllowed: boolean };
}

/** A mutating call's AWS request ID, which links its audit record to its CloudTrail event. */
export interface MutationReceipt {
  requestId: string;
}

/** Aurora Global Database, reached through one region's RDS endpoint. */
export interface GlobalDatabasePort {
  describe(globalClusterId: string, viaRegion: string): Promise<GlobalClusterState>;
  /** Whether a member cluster answers in its own region and reports itself available. */
  clusterAvailable(clusterArn: string): Promise<boolean>;
  /** The replication lag of a secondary as CloudWatch reports it (AuroraGlobalDBRPOLag), in ms. */
  replicationLagMs(clusterArn: string): Promise<number | undefined>;
  switchover(globalClusterId: string, targetClusterArn: string, viaRegion: string): Promise<MutationReceipt>;
  failover(globalClusterId: string, targetClusterArn: string, viaRegion: string): Promise<MutationReceipt>;
}
