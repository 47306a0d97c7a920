import { DescribeAlarmsCommand, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import { type AlarmStateChangeEvent, CloudWatchModel } from "../../sandbox/services/cloudwatch-model.js";
import { RdsModel } from "../../sandbox/services/rds-model.js";
import {
  ACCOUNT,
  estateWith,
  SINGAPORE,
  SINGAPORE_CLUSTER,
  TOKYO,
  TOKYO_CLUSTER,
} from "../support/sandbox-fixtures.js";

function monitoring() {
  let cloudwatch: CloudWatchModel | undefined;
  const sandbox = estateWith((estate) => {
    const rds = new RdsModel(estate, {
      globalClusters: [
        {
          identifier: "shop-global",
          members: [
            { arn: TOKYO_CLUSTER, region: TOKYO, isWriter: true },
            { arn: SINGAPORE_CLUSTER, region: SINGAPORE, isWriter: false, replicationLagMs: 850 },
          ],
        },
      ],
    });
    cloudwatch = new CloudWatchModel(
      estate,
      { alarms: [{ name: "shop-tokyo-health", region: "us-east-1", accountId: ACCOUNT }] },
      rds,
    );
    return [rds, cloudwatch];
  });
  return { ...sandbox, cloudwatch: cloudwatch as CloudWatchModel };
}

describe("sandbox CloudWatch, through the real CloudWatch client", () => {
  it("turns an alarm state change into an EventBridge CloudWatch Alarm State Change event", async () => {
    const { estate, cloudwatch, clients } = monitoring();
    const events: AlarmStateChangeEvent[] = [];
    cloudwatch.onAlarmStateChange((event) => events.push(event));
    const firedAt = estate.clock.now().toISOString();

    cloudwatch.setAlarmState(
      "us-east-1",
      "shop-tokyo-health",
      "ALARM",
      "Threshold Crossed: 1 datapoint [0.0] < 1.0",
    );
    const { MetricAlarms } = await clients("us-east-1").cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNames: ["shop-tokyo-health"] }),
    );

    expect(events).toEqual([
      expect.objectContaining({
        "detail-type": "CloudWatch Alarm State Change",
        source: "aws.cloudwatch",
        region: "us-east-1",
        account: ACCOUNT,
        resources: [`arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:shop-tokyo-health`],
        detail: expect.objectContaining({
          alarmName: "shop-tokyo-health",
          state: expect.objectContaining({ value: "ALARM", timestamp: firedAt }),
          previousState: expect.objectContaining({ value: "OK" }),
        }),
      }),
    ]);
    expect(MetricAlarms?.[0]).toMatchObject({ StateValue: "ALARM" });
  });

  it("reports the secondary's AuroraGlobalDBRPOLag in milliseconds in its own region", async () => {
    const { estate, clients } = monitoring();

    const { MetricDataResults } = await clients(SINGAPORE).cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(estate.clock.now().getTime() - 300_000),
        EndTime: estate.clock.now(),
        MetricDataQueries: [
          {
            Id: "lag",
            MetricStat: {
              Metric: {
                Namespace: "AWS/RDS",
                MetricName: "AuroraGlobalDBRPOLag",
                Dimensions: [{ Name: "DBClusterIdentifier", Value: "shop-singapore" }],
              },
              Period: 60,
              Stat: "Maximum",
            },
          },
        ],
      }),
    );

    expect(MetricDataResults?.[0]?.Values).toEqual([850]);
  });
});
