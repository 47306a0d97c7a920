/**
 * What an Aurora DB cluster's status says about whether it can take writes, for the statuses the Aurora
 * User Guide lists ("Viewing DB cluster status",
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/accessing-monitoring.html#Aurora.Status).
 * A status not listed here reads as "transitional": kirikae neither trusts nor writes off such a cluster.
 */
export type ClusterCondition = "alive" | "down" | "transitional";

/** Running and serving: a backup, a backtrack or a modification does not stop a writer writing. */
const ALIVE = new Set([
  "available",
  "backing-up",
  "backtracking",
  "maintenance",
  "modifying",
  "renaming",
  "resetting-master-credentials",
  "storage-optimization",
  "update-iam-db-auth",
  "upgrading",
]);

/** Cannot take writes and will not on its own within a failover's time. */
const DOWN = new Set([
  "stopped",
  "stopping",
  "deleting",
  "inaccessible-encryption-credentials",
  "inaccessible-encryption-credentials-recoverable",
  "migration-failed",
  "cloning-failed",
]);

export function clusterCondition(status: string): ClusterCondition {
  if (ALIVE.has(status)) return "alive";
  if (DOWN.has(status)) return "down";
  return "transitional";
}

/** Whether a member cluster counts as available for the checks that ask (backing-up does). */
export function isHealthyClusterStatus(status: string): boolean {
  return clusterCondition(status) === "alive";
}
