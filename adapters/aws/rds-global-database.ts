import { GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
} from "@aws-sdk/client-rds";
import type { Clock } from "../../core/clock.js";
import { isHealthyClusterStatus } from "../../core/failover/cluster-statuses.js";
import { lagMetricFor } from "../../core/failover/lag-metric.js";
import type {
  ClusterObservation,
  EngineInfo,
  GlobalClusterState,
  GlobalDatabasePort,
  LagMetric,
  LagReading,
  MutationReceipt,
} from "../../core/ports/global-database.js";
import { callAws, requestIdOf } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

const LAG_WINDOW_MS = 5 * 60_000;

export class RdsGlobalDatabase implements GlobalDatabasePort {
  constructor(
    private readonly clients: ClientProvider,
    private readonly clock: Clock,
  ) {}

  async describe(globalClusterId: string, viaRegion: string): Promise<GlobalClusterState> {
    const output = await callAws({ action: "rds:DescribeGlobalClusters", resource: globalClusterId }, () =>
      this.clients
        .forRegion(viaRegion)
        .rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalClusterId })),
    );
    const global = output.GlobalClusters?.[0];
    const failover = global?.FailoverState;
    return {
      identifier: global?.GlobalClusterIdentifier ?? globalClusterId,
      status: global?.Status ?? "unknown",
      ...(global?.Engine === undefined ? {} : { engine: global.Engine }),
      ...(global?.EngineVersion === undefined ? {} : { engineVersion: global.EngineVersion }),
      members: (global?.GlobalClusterMembers ?? []).map((member) => ({
        clusterArn: member.DBClusterArn ?? "",
        region: (member.DBClusterArn ?? "").split(":")[3] ?? "",
        isWriter: member.IsWriter === true,
      })),
      ...(failover?.ToDbClusterArn && failover.FromDbClusterArn
        ? {
            failover: {
              fromClusterArn: failover.FromDbClusterArn,
              toClusterArn: failover.ToDbClusterArn,
              dataLossAllowed: failover.IsDataLossAllowed === true,
            },
          }
        : {}),
    };
  }

  /** Best-effort: a healthy status (available, backing-up, ...) through a probe; no answer is not available. */
  async clusterAvailable(clusterArn: string): Promise<boolean> {
    const observation = await this.observeCluster(clusterArn);
    return observation.answered && isHealthyClusterStatus(observation.status);
  }

  /** Asks the cluster's own region with a probe client, so a region that hangs costs seconds. */
  async observeCluster(clusterArn: string): Promise<ClusterObservation> {
    const region = clusterArn.split(":")[3] ?? "";
    try {
      const output = await this.clients
        .probe(region)
        .rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterArn }));
      const status = output.DBClusters?.[0]?.Status;
      return status === undefined
        ? { answered: false, error: "DescribeDBClusters returned no cluster" }
        : { answered: true, status };
    } catch (error) {
      return {
        answered: false,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      };
    }
  }

  /** Whichever lag metric has a datapoint, RPO lag first: for checks that do not know the engine. */
  async replicationLagMs(clusterArn: string): Promise<number | undefined> {
    const values = await this.lagValues(clusterArn, ["AuroraGlobalDBRPOLag", "AuroraGlobalDBReplicationLag"]);
    return values.AuroraGlobalDBRPOLag ?? values.AuroraGlobalDBReplicationLag;
  }

  async replicationLag(clusterArn: string, engine: EngineInfo): Promise<LagReading> {
    const metric = lagMetricFor(engine);
    const values = await this.lagValues(clusterArn, [metric]);
    return { ms: values[metric] ?? null, metric };
  }

  /** The latest datapoint of each metric over the last minutes; a metric with none is absent. */
  private async lagValues(
    clusterArn: string,
    metrics: readonly LagMetric[],
  ): Promise<Partial<Record<LagMetric, number>>> {
    const region = clusterArn.split(":")[3] ?? "";
    const clusterId = clusterArn.split(":").pop() ?? "";
    const output = await callAws({ action: "cloudwatch:GetMetricData", resource: clusterArn }, () => {
      const clients = this.clients.forRegion(region);
      const end = this.clock.now();
      return clients.cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(end.getTime() - LAG_WINDOW_MS),
          EndTime: end,
          ScanBy: "TimestampDescending",
          MetricDataQueries: metrics.map((metricName, index) => ({
            Id: `lag${index}`,
            MetricStat: {
              Metric: {
                Namespace: "AWS/RDS",
                MetricName: metricName,
                Dimensions: [{ Name: "DBClusterIdentifier", Value: clusterId }],
              },
              Period: 60,
              Stat: "Maximum",
            },
          })),
        }),
      );
    });
    const values: Partial<Record<LagMetric, number>> = {};
    metrics.forEach((metricName, index) => {
      const value = output.MetricDataResults?.find((result) => result.Id === `lag${index}`)?.Values?.[0];
      if (value !== undefined) values[metricName] = value;
    });
    return values;
  }

  /**
   * Sent to the current primary's region: the Aurora User Guide's switchover procedure says to call it
   * with "the AWS Region where the primary DB cluster of the Aurora global database is running"
   * ("Performing switchovers for Amazon Aurora global databases",
   * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html).
   */
  async switchover(
    globalClusterId: string,
    targetClusterArn: string,
    primaryRegion: string,
  ): Promise<MutationReceipt> {
    const output = await callAws({ action: "rds:SwitchoverGlobalCluster", resource: globalClusterId }, () =>
      this.clients.forRegion(primaryRegion).rds.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: globalClusterId,
          TargetDbClusterIdentifier: targetClusterArn,
        }),
      ),
    );
    return { requestId: requestIdOf(output) };
  }

  /**
   * Unplanned: AllowDataLoss is what makes this a failover; without it the call is a switchover and fails.
   * Sent to the secondary being promoted, whose region answers when the primary's does not (same guide,
   * "Performing managed failovers for Aurora global databases").
   */
  async failover(
    globalClusterId: string,
    targetClusterArn: string,
    targetRegion: string,
  ): Promise<MutationReceipt> {
    const output = await callAws({ action: "rds:FailoverGlobalCluster", resource: globalClusterId }, () =>
      this.clients.forRegion(targetRegion).rds.send(
        new FailoverGlobalClusterCommand({
          GlobalClusterIdentifier: globalClusterId,
          TargetDbClusterIdentifier: targetClusterArn,
          AllowDataLoss: true,
        }),
      ),
    );
    return { requestId: requestIdOf(output) };
  }
}
