import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import type { Plan } from "../../core/plan/schema.js";
import type { GateChange, TrafficGatesPort } from "../../core/ports/traffic-gates.js";
import { GATE_METRIC, gateDimensions, gateRegion } from "../../core/traffic/gates.js";
import { callAws, requestIdOf } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/**
 * Gates made of a metric kirikae publishes, an alarm on it, and a Route 53 health check that follows the
 * alarm (Route 53 developer guide, "Health checks that monitor CloudWatch alarms"). Both gates' datapoints
 * go in one PutMetricData request to the plan's standby region, so they change together. The health checks
 * use InsufficientDataHealthStatus=LastKnownStatus: a gate holds its last state between changes, and while
 * the alarm's region cannot be read.
 */
export class CloudWatchAlarmGates implements TrafficGatesPort {
  constructor(private readonly clients: ClientProvider) {}

  async set(plan: Plan, changes: GateChange[]) {
    const region = gateRegion(plan);
    const output = await callAws(
      { action: "cloudwatch:PutMetricData", resource: `${region}/${GATE_METRIC.namespace}/${plan.name}` },
      () =>
        this.clients
          .forRegion(region)
          .get(CloudWatchClient)
          .send(
            new PutMetricDataCommand({
              Namespace: GATE_METRIC.namespace,
              MetricData: changes.map((change) => ({
                MetricName: GATE_METRIC.metricName,
                Dimensions: Object.entries(gateDimensions(plan, change.region)).map(([Name, Value]) => ({
                  Name,
                  Value,
                })),
                Value: change.open ? 1 : 0,
                Unit: "Count",
              })),
            }),
          ),
    );
    return { requestId: requestIdOf(output), endpointRegion: region };
  }
}
