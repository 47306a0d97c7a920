import type { EngineInfo, LagMetric } from "../ports/global-database.js";

/**
 * Which CloudWatch metric measures a secondary's lag for this engine: AuroraGlobalDBRPOLag exists for
 * Aurora PostgreSQL and for Aurora MySQL 3.04 / 2.12 and later; older Aurora MySQL publishes only
 * AuroraGlobalDBReplicationLag (Aurora User Guide, "Monitoring Amazon Aurora global databases",
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-monitoring.html).
 */
export function lagMetricFor({ engine, engineVersion }: EngineInfo): LagMetric {
  if (engine !== "aurora-mysql") return "AuroraGlobalDBRPOLag";
  // Aurora MySQL versions read "8.0.mysql_aurora.3.03.1" or "5.7.mysql_aurora.2.11.2".
  const match = /mysql_aurora\.(\d+)\.(\d+)/.exec(engineVersion ?? "");
  if (!match) return "AuroraGlobalDBReplicationLag";
  const major = Number(match[1]);
  const minor = Number(match[2]);
  const hasRpoLag = major > 3 || (major === 3 && minor >= 4) || (major === 2 && minor >= 12);
  return hasRpoLag ? "AuroraGlobalDBRPOLag" : "AuroraGlobalDBReplicationLag";
}
