import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  PutMetricDataCommand,
  ResourceNotFound,
} from "@aws-sdk/client-cloudwatch";
import {
  DeleteHealthCheckCommand,
  GetHealthCheckStatusCommand,
  NoSuchHealthCheck,
} from "@aws-sdk/client-route-53";
import { describe, expect, it } from "vitest";
import { CloudWatchModel } from "../../sandbox/services/cloudwatch-model.js";
import { Route53Model } from "../../sandbox/services/route53-model.js";
import { ACCOUNT, estateWith, SINGAPORE, TOKYO } from "../support/sandbox-fixtures.js";

const HEALTH_CHECK = "22222222-2222-4222-8222-222222222222";

function monitoring() {
  let cloudwatch: CloudWatchModel | undefined;
  let route53: Route53Model | undefined;
  const sandbox = estateWith((estate) => {
    cloudwatch = new CloudWatchModel(estate, {
      alarms: [
        { name: "shop-tokyo-5xx", region: TOKYO, accountId: ACCOUNT },
        { name: "shop-tokyo-latency", region: TOKYO, accountId: ACCOUNT },
      ],
    });
    route53 = new Route53Model(estate, {
      hostedZones: [],
      healthChecks: [{ id: HEALTH_CHECK, region: SINGAPORE }],
    });
    return [cloudwatch, route53];
  });
  return { ...sandbox, cloudwatch: cloudwatch as CloudWatchModel, route53: route53 as Route53Model };
}

describe("sandbox calls the readiness check publishes with, and the drift it finds", () => {
  it("keeps custom metric datapoints by region, namespace, name and exact dimensions", async () => {
    const { clients, cloudwatch } = monitoring();

    await clients(SINGAPORE).cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: "Kirikae",
        MetricData: [
          {
            MetricName: "ReadinessGaps",
            Value: 3,
            Unit: "Count",
            Dimensions: [{ Name: "Plan", Value: "shop" }],
          },
        ],
      }),
    );

    expect(cloudwatch.publishedValues(SINGAPORE, "Kirikae", "ReadinessGaps", { Plan: "shop" })).toEqual([3]);
    expect(cloudwatch.publishedValues(TOKYO, "Kirikae", "ReadinessGaps", { Plan: "shop" })).toEqual([]);
    expect(cloudwatch.publishedValues(SINGAPORE, "Kirikae", "ReadinessGaps", {})).toEqual([]);
  });

  it("refuses to publish into AWS's own namespaces", async () => {
    const { clients } = monitoring();

    await expect(
      clients(SINGAPORE).cloudwatch.send(
        new PutMetricDataCommand({ Namespace: "AWS/RDS", MetricData: [{ MetricName: "x", Value: 1 }] }),
      ),
    ).rejects.toMatchObject({ name: "InvalidParameterValueException" });
  });

  it("deletes alarms all or nothing, as CloudWatch does", async () => {
    const { clients } = monitoring();
    const tokyo = clients(TOKYO).cloudwatch;

    await expect(
      tokyo.send(new DeleteAlarmsCommand({ AlarmNames: ["shop-tokyo-5xx", "no-such-alarm"] })),
    ).rejects.toThrow(ResourceNotFound);
    await tokyo.send(new DeleteAlarmsCommand({ AlarmNames: ["shop-tokyo-5xx"] }));

    const left = await tokyo.send(new DescribeAlarmsCommand({}));
    expect(left.MetricAlarms?.map((alarm) => alarm.AlarmName)).toEqual(["shop-tokyo-latency"]);
  });

  it("deletes a Route 53 health check, after which its status cannot be read", async () => {
    const { clients } = monitoring();
    const route53 = clients(SINGAPORE).route53;

    await route53.send(new DeleteHealthCheckCommand({ HealthCheckId: HEALTH_CHECK }));

    await expect(
      route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: HEALTH_CHECK })),
    ).rejects.toThrow(NoSuchHealthCheck);
  });
});
