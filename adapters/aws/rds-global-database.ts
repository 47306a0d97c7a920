import { GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
} from "@aws-sdk/client-rds";
import type { Clock } from "../../core/clock.js";
import type {
  GlobalClusterState,
  GlobalDatabasePort,
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

  /** Best-effort: asks the cluster's own region with a probe client; no answer means not available. */
  async clusterAvailable(clusterArn: string): Promise<boolean> {
    const region = clusterArn.split(":")[3] ?? "";
    try {
      const output = await this.clients
        .probe(region)
        .rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterArn }));
      return output.DBClusters?.[0]?.Status === "available";
    } catch {
      return false;
    }
  }

  async replicationLagMs(clusterArn: string): Promise<number | undefined> {
    const region = clusterArn.split(":")[3] ?? "";
    const clusterId = clusterArn.split(":").pop() ?? "";
    const output = await callAws({ action: "cloudwatch:GetMetricData", resource: clusterArn }, () => {
      const clients = this.clients.forRegion(region);
      const end = this.clock.now();
      return clients.cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(end.getTime() - LAG_WINDOW_MS),
          EndTime: end,
          MetricDataQueries: [
            {
              Id: "rpoLag",
              MetricStat: {
                Metric: {
                  Namespace: "AWS/RDS",
                  MetricName: "AuroraGlobalDBRPOLag",
                  Dimensions: [{ Name: "DBClusterIdentifier", Value: clusterId }],
                },
                Period: 60,
                Stat: "Maximum",
              },
            },
          ],
        }),
      );
    });
    return output.MetricDataResults?.[0]?.Values?.[0];
  }

  async switchover(
    globalClusterId: string,
    targetClusterArn: string,
    viaRegion: string,
  ): Promise<MutationReceipt> {
    const output = await callAws({ action: "rds:SwitchoverGlobalCluster", resource: globalClusterId }, () =>
      this.clients.forRegion(viaRegion).rds.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: globalClusterId,
          TargetDbClusterIdentifier: targetClusterArn,
        }),
      ),
    );
    return { requestId: requestIdOf(output) };
  }

  /** Unplanned: AllowDataLoss is what makes this a failover; without it the call is a switchover and fails. */
  async failover(
    globalClusterId: string,
    targetClusterArn: string,
    viaRegion: string,
  ): Promise<MutationReceipt> {
    const output = await callAws({ action: "rds:FailoverGlobalCluster", resource: globalClusterId }, () =>
      this.clients.forRegion(viaRegion).rds.send(
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
