import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from "@aws-sdk/client-rds";
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

/** Where the lag readings come from; CloudWatchReplicationLag in production. */
export interface ReplicationLagSource {
  /** The latest datapoint of each metric over the last minutes; a metric with none is absent. */
  values(clusterArn: string, metrics: readonly LagMetric[]): Promise<Partial<Record<LagMetric, number>>>;
}

const withoutLagGrant: ReplicationLagSource = {
  values: async () => {
    throw new Error("this function reads no replication lag: it has no database.lag grant (infra/access.ts)");
  },
};

export class RdsGlobalDatabase implements GlobalDatabasePort {
  /**
   * `lag` reads the replication lag from CloudWatch (cloudwatch-replication-lag.ts): only the functions
   * granted database.lag pass it, so the others neither bundle CloudWatch nor can call it by mistake.
   */
  constructor(
    private readonly clients: ClientProvider,
    private readonly lag: ReplicationLagSource = withoutLagGrant,
  ) {}

  async describe(globalClusterId: string, viaRegion: string): Promise<GlobalClusterState> {
    const output = await callAws({ action: "rds:DescribeGlobalClusters", resource: globalClusterId }, () =>
      this.clients
        .forRegion(viaRegion)
        .get(RDSClient)
        .send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalClusterId })),
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
        .get(RDSClient)
        .send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterArn }));
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
    const values = await this.lag.values(clusterArn, [
      "AuroraGlobalDBRPOLag",
      "AuroraGlobalDBReplicationLag",
    ]);
    return values.AuroraGlobalDBRPOLag ?? values.AuroraGlobalDBReplicationLag;
  }

  async replicationLag(clusterArn: string, engine: EngineInfo): Promise<LagReading> {
    const metric = lagMetricFor(engine);
    const values = await this.lag.values(clusterArn, [metric]);
    return { ms: values[metric] ?? null, metric };
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
      this.clients
        .forRegion(primaryRegion)
        .get(RDSClient)
        .send(
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
      this.clients
        .forRegion(targetRegion)
        .get(RDSClient)
        .send(
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
