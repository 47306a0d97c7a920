/**
 * A member cluster's status, read through its own region's RDS endpoint. For required reads: a read that
 * fails throws (the state machine retries it), unlike GlobalDatabasePort.clusterAvailable, a probe of
 * the old primary where no answer means "not available".
 */
export interface ClusterStatusPort {
  /** The status as RDS reports it: "available", "backing-up", "failing-over", ... */
  status(clusterArn: string): Promise<string>;
}
