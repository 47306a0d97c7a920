import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import type { MetricDatapoint, MetricsPort } from "../../core/ports/metrics.js";
import { callAws } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/** Custom metrics in one region: the control plane's, where the alarms on them live. */
export class CloudWatchMetrics implements MetricsPort {
  constructor(
    private readonly clients: ClientProvider,
    private readonly region: string,
  ) {}

  async publish(datapoint: MetricDatapoint): Promise<void> {
    await callAws(
      {
        action: "cloudwatch:PutMetricData",
        resource: `${this.region}/${datapoint.namespace}/${datapoint.name}`,
      },
      () =>
        this.clients
          .forRegion(this.region)
          .get(CloudWatchClient)
          .send(
            new PutMetricDataCommand({
              Namespace: datapoint.namespace,
              MetricData: [
                {
                  MetricName: datapoint.name,
                  Value: datapoint.value,
                  Unit: datapoint.unit,
                  Dimensions: Object.entries(datapoint.dimensions).map(([Name, Value]) => ({ Name, Value })),
                },
              ],
            }),
          ),
    );
  }
}
