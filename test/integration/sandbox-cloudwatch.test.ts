import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricDataQuery,
  ResourceNotFound,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import { alarmStateChangeEventSchema } from "../../functions/runtime/alarm-event.js";
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

const HEALTH_ALARM = "shop-tokyo-health";
const HEALTH_CHECK_ID = "0f6c1a2e-7b3d-4e5f-8a9b-1c2d3e4f5a6b";

function monitoring() {
  let cloudwatch: CloudWatchModel | undefined;
  let rds: RdsModel | undefined;
  const sandbox = estateWith((estate) => {
    rds = new RdsModel(estate, {
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
      {
        alarms: [
          {
            name: HEALTH_ALARM,
            region: "us-east-1",
            accountId: ACCOUNT,
            dimensions: { HealthCheckId: HEALTH_CHECK_ID },
          },
          { name: "shop-tokyo-5xx", region: TOKYO, accountId: ACCOUNT },
        ],
      },
      rds,
    );
    return [rds, cloudwatch];
  });
  const events: AlarmStateChangeEvent[] = [];
  (cloudwatch as CloudWatchModel).onAlarmStateChange((event) => events.push(event));
  return { ...sandbox, cloudwatch: cloudwatch as CloudWatchModel, rds: rds as RdsModel, events };
}

function lagQuery(metricName: string, clusterIdentifier: string): MetricDataQuery {
  return {
    Id: "lag",
    MetricStat: {
      Metric: {
        Namespace: "AWS/RDS",
        MetricName: metricName,
        Dimensions: [{ Name: "DBClusterIdentifier", Value: clusterIdentifier }],
      },
      Period: 60,
      Stat: "Maximum",
    },
  };
}

async function lagValues(
  sandbox: ReturnType<typeof monitoring>,
  region: string,
  query: MetricDataQuery,
): Promise<number[] | undefined> {
  const end = sandbox.estate.clock.now();
  const { MetricDataResults } = await sandbox.clients(region).cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(end.getTime() - 300_000),
      EndTime: end,
      MetricDataQueries: [query],
    }),
  );
  return MetricDataResults?.[0]?.Values;
}

describe("sandbox CloudWatch, through the real CloudWatch client", () => {
  it("turns an alarm state change into the EventBridge event AWS documents, which the detector accepts", async () => {
    const { estate, cloudwatch, clients, events } = monitoring();
    estate.clock.advance(90_123);

    cloudwatch.setAlarmState(
      "us-east-1",
      HEALTH_ALARM,
      "ALARM",
      "Threshold Crossed: 1 datapoint [0.0] < 1.0",
    );
    const { MetricAlarms } = await clients("us-east-1").cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNames: [HEALTH_ALARM] }),
    );

    expect(events).toEqual([
      {
        version: "0",
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
        "detail-type": "CloudWatch Alarm State Change",
        source: "aws.cloudwatch",
        account: ACCOUNT,
        time: "2026-01-01T00:01:30Z",
        region: "us-east-1",
        resources: [`arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${HEALTH_ALARM}`],
        detail: {
          alarmName: HEALTH_ALARM,
          configuration: {
            metrics: [
              {
                id: expect.any(String),
                metricStat: {
                  metric: {
                    namespace: "AWS/Route53",
                    name: "HealthCheckStatus",
                    dimensions: { HealthCheckId: HEALTH_CHECK_ID },
                  },
                  period: 60,
                  stat: "Minimum",
                },
                returnData: true,
              },
            ],
          },
          previousState: {
            reason: expect.any(String),
            timestamp: "2026-01-01T00:00:00.000+0000",
            value: "OK",
          },
          state: {
            reason: "Threshold Crossed: 1 datapoint [0.0] < 1.0",
            timestamp: "2026-01-01T00:01:30.123+0000",
            value: "ALARM",
          },
        },
      },
    ]);
    expect(alarmStateChangeEventSchema.safeParse(events[0]).success).toBe(true);
    expect(MetricAlarms?.[0]).toMatchObject({
      StateValue: "ALARM",
      StateUpdatedTimestamp: new Date("2026-01-01T00:01:30.123Z"),
      ActionsEnabled: true,
    });
  });

  it("emits an event for SetAlarmState through the API, and none when the state does not change", async () => {
    const { clients, events } = monitoring();
    const tokyo = clients(TOKYO).cloudwatch;

    await tokyo.send(
      new SetAlarmStateCommand({ AlarmName: "shop-tokyo-5xx", StateValue: "ALARM", StateReason: "testing" }),
    );
    await tokyo.send(
      new SetAlarmStateCommand({ AlarmName: "shop-tokyo-5xx", StateValue: "ALARM", StateReason: "again" }),
    );
    const { MetricAlarms } = await tokyo.send(new DescribeAlarmsCommand({ StateValue: "ALARM" }));

    expect(events.map((event) => [event.region, event.detail.alarmName, event.detail.state.value])).toEqual([
      [TOKYO, "shop-tokyo-5xx", "ALARM"],
    ]);
    expect(MetricAlarms?.map((alarm) => [alarm.AlarmName, alarm.StateReason])).toEqual([
      ["shop-tokyo-5xx", "testing"],
    ]);
  });

  it("answers ResourceNotFound for an alarm that lives in another region", async () => {
    const { clients, events } = monitoring();

    await expect(
      clients(TOKYO).cloudwatch.send(
        new SetAlarmStateCommand({ AlarmName: HEALTH_ALARM, StateValue: "ALARM", StateReason: "x" }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFound);
    expect(events).toEqual([]);
  });

  it("reports a secondary's AuroraGlobalDBRPOLag and ReplicationLag in milliseconds, in its own region", async () => {
    const sandbox = monitoring();

    const rpoLag = await lagValues(sandbox, SINGAPORE, lagQuery("AuroraGlobalDBRPOLag", "shop-singapore"));
    const replicationLag = await lagValues(
      sandbox,
      SINGAPORE,
      lagQuery("AuroraGlobalDBReplicationLag", "shop-singapore"),
    );
    sandbox.rds.setReplicationLag(SINGAPORE_CLUSTER, 4_000);
    const grown = await lagValues(sandbox, SINGAPORE, lagQuery("AuroraGlobalDBRPOLag", "shop-singapore"));

    expect([rpoLag, replicationLag, grown]).toEqual([[850], [850], [4_000]]);
  });

  it("has no lag datapoints for the writer, for another region, or under another dimension set", async () => {
    const sandbox = monitoring();
    const byArn = lagQuery("AuroraGlobalDBRPOLag", SINGAPORE_CLUSTER);

    expect(await lagValues(sandbox, TOKYO, lagQuery("AuroraGlobalDBRPOLag", "shop-tokyo"))).toEqual([]);
    expect(await lagValues(sandbox, TOKYO, lagQuery("AuroraGlobalDBRPOLag", "shop-singapore"))).toEqual([]);
    expect(await lagValues(sandbox, SINGAPORE, byArn)).toEqual([]);
  });
});
