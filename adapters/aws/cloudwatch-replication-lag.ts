import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import type { Clock } from "../../core/clock.js";
import type { LagMetric } from "../../core/ports/global-database.js";
import { callAws } from "./aws-errors.js";
import type { ReplicationLagSource } from "./rds-global-database.js";
import type { ClientProvider } from "./region-clients.js";

const LAG_WINDOW_MS = 5 * 60_000;

/** Aurora's replication lag metrics, read from CloudWatch in the secondary cluster's region (database.lag). */
export class CloudWatchReplicationLag implements ReplicationLagSource {
  constructor(
    private readonly clients: ClientProvider,
    private readonly clock: Clock,
  ) {}

  /** The latest datapoint of each metric over the last minutes; a metric with none is absent. */
  async values(
    clusterArn: string,
    metrics: readonly LagMetric[],
  ): Promise<Partial<Record<LagMetric, number>>> {
    const region = clusterArn.split(":")[3] ?? "";
    const clusterId = clusterArn.split(":").pop() ?? "";
    const output = await callAws({ action: "cloudwatch:GetMetricData", resource: clusterArn }, () => {
      const end = this.clock.now();
      return this.clients
        .forRegion(region)
        .get(CloudWatchClient)
        .send(
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
}
