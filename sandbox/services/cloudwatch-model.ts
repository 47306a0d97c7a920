import { ResourceNotFound } from "@aws-sdk/client-cloudwatch";
import {
  errorMetadata,
  type ModelContext,
  type SandboxCall,
  type ServiceModel,
  type TrailResource,
} from "../service-model.js";
import type { RdsModel } from "./rds-model.js";

export type AlarmStateValue = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** An EventBridge "CloudWatch Alarm State Change" event, as AWS delivers it. */
export interface AlarmStateChangeEvent {
  version: "0";
  id: string;
  "detail-type": "CloudWatch Alarm State Change";
  source: "aws.cloudwatch";
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    alarmName: string;
    state: { value: AlarmStateValue; reason: string; timestamp: string };
    previousState: { value: AlarmStateValue; reason: string; timestamp: string };
    configuration: { description?: string; metrics: Array<Record<string, unknown>> };
  };
}

export interface CloudWatchSeed {
  alarms: Array<{
    name: string;
    region: string;
    accountId?: string;
    namespace?: string;
    metricName?: string;
  }>;
}

interface Alarm {
  name: string;
  region: string;
  accountId: string;
  namespace: string;
  metricName: string;
  state: AlarmStateValue;
  reason: string;
  updatedAt: Date;
}

/**
 * CloudWatch alarms (whose state changes become EventBridge events) and the Aurora global database lag
 * metrics the pre-checks and the RPO estimate read.
 */
export class CloudWatchModel implements ServiceModel {
  readonly service = "cloudwatch" as const;
  readonly eventSource = "monitoring.amazonaws.com";
  private readonly alarms = new Map<string, Alarm>();
  private readonly listeners: Array<(event: AlarmStateChangeEvent) => void> = [];
  private eventCount = 0;

  constructor(
    private readonly context: ModelContext,
    seed: CloudWatchSeed,
    private readonly rds?: RdsModel,
  ) {
    for (const alarm of seed.alarms) {
      this.alarms.set(key(alarm.region, alarm.name), {
        name: alarm.name,
        region: alarm.region,
        accountId: alarm.accountId ?? "111122223333",
        namespace: alarm.namespace ?? (alarm.region === "us-east-1" ? "AWS/Route53" : "AWS/ApplicationELB"),
        metricName:
          alarm.metricName ??
          (alarm.region === "us-east-1" ? "HealthCheckStatus" : "HTTPCode_Target_5XX_Count"),
        state: "OK",
        reason: "Threshold Crossed: initial state",
        updatedAt: context.clock.now(),
      });
    }
  }

  isMutating(operation: string): boolean {
    return operation === "SetAlarmState";
  }

  resourcesOf(call: SandboxCall): TrailResource[] {
    return typeof call.input.AlarmName === "string"
      ? [{ ResourceType: "AWS::CloudWatch::Alarm", ResourceName: call.input.AlarmName }]
      : [];
  }

  handle(call: SandboxCall): Record<string, unknown> {
    switch (call.operation) {
      case "DescribeAlarms":
        return this.describeAlarms(call);
      case "SetAlarmState":
        return this.setAlarmStateCall(call);
      case "GetMetricData":
        return this.getMetricData(call);
      default:
        throw new Error(`the sandbox does not model cloudwatch:${call.operation}`);
    }
  }

  onAlarmStateChange(listener: (event: AlarmStateChangeEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Sandbox control: the alarm changes state as its metric would make it, and EventBridge hears of it. */
  setAlarmState(region: string, name: string, state: AlarmStateValue, reason: string): void {
    const alarm = this.alarms.get(key(region, name));
    if (!alarm) throw new Error(`no alarm ${name} in ${region}`);
    this.transition(alarm, state, reason);
  }

  private describeAlarms(call: SandboxCall): Record<string, unknown> {
    const names = Array.isArray(call.input.AlarmNames) ? (call.input.AlarmNames as string[]) : undefined;
    const stateFilter = call.input.StateValue;
    const alarms = [...this.alarms.values()].filter(
      (alarm) =>
        alarm.region === call.region &&
        (!names || names.includes(alarm.name)) &&
        (!stateFilter || alarm.state === stateFilter),
    );
    return {
      MetricAlarms: alarms.map((alarm) => ({
        AlarmName: alarm.name,
        AlarmArn: alarmArn(alarm),
        StateValue: alarm.state,
        StateReason: alarm.reason,
        StateUpdatedTimestamp: alarm.updatedAt,
        Namespace: alarm.namespace,
        MetricName: alarm.metricName,
        ActionsEnabled: true,
      })),
      CompositeAlarms: [],
    };
  }

  private setAlarmStateCall(call: SandboxCall): Record<string, unknown> {
    const alarm = this.alarms.get(key(call.region, String(call.input.AlarmName ?? "")));
    if (!alarm) {
      throw new ResourceNotFound({
        message: `Alarm ${String(call.input.AlarmName)} not found`,
        $metadata: errorMetadata(call, 404),
      });
    }
    this.transition(alarm, call.input.StateValue as AlarmStateValue, String(call.input.StateReason ?? ""));
    return {};
  }

  /** AuroraGlobalDBRPOLag and AuroraGlobalDBReplicationLag (ms), by DBClusterIdentifier, in the secondary's region. */
  private getMetricData(call: SandboxCall): Record<string, unknown> {
    const queries = (call.input.MetricDataQueries ?? []) as Array<{
      Id?: string;
      MetricStat?: {
        Metric?: {
          Namespace?: string;
          MetricName?: string;
          Dimensions?: Array<{ Name?: string; Value?: string }>;
        };
      };
    }>;
    const now = this.context.clock.now();
    return {
      MetricDataResults: queries.map((query) => {
        const metric = query.MetricStat?.Metric;
        const clusterId = metric?.Dimensions?.find(
          (dimension) => dimension.Name === "DBClusterIdentifier",
        )?.Value;
        const lagMetric =
          metric?.Namespace === "AWS/RDS" &&
          (metric.MetricName === "AuroraGlobalDBRPOLag" ||
            metric.MetricName === "AuroraGlobalDBReplicationLag");
        const lag = lagMetric && clusterId ? this.lagOf(call.region, clusterId) : undefined;
        return {
          Id: query.Id,
          Label: metric?.MetricName,
          Timestamps: lag === undefined ? [] : [now],
          Values: lag === undefined ? [] : [lag],
          StatusCode: "Complete",
        };
      }),
      Messages: [],
    };
  }

  private lagOf(region: string, clusterId: string): number | undefined {
    if (!this.rds) return undefined;
    const account = [...this.alarms.values()][0]?.accountId ?? "111122223333";
    return this.rds.replicationLagMs(`arn:aws:rds:${region}:${account}:cluster:${clusterId}`);
  }

  private transition(alarm: Alarm, state: AlarmStateValue, reason: string): void {
    if (alarm.state === state) return;
    const previous = { value: alarm.state, reason: alarm.reason, timestamp: alarm.updatedAt.toISOString() };
    const now = this.context.clock.now();
    alarm.state = state;
    alarm.reason = reason;
    alarm.updatedAt = now;
    this.eventCount += 1;
    const event: AlarmStateChangeEvent = {
      version: "0",
      id: `c4c1c1c9-6542-e61b-6ef0-${String(this.eventCount).padStart(12, "0")}`,
      "detail-type": "CloudWatch Alarm State Change",
      source: "aws.cloudwatch",
      account: alarm.accountId,
      time: now.toISOString(),
      region: alarm.region,
      resources: [alarmArn(alarm)],
      detail: {
        alarmName: alarm.name,
        state: { value: state, reason, timestamp: now.toISOString() },
        previousState: previous,
        configuration: {
          metrics: [
            {
              id: "m1",
              metricStat: {
                metric: { namespace: alarm.namespace, name: alarm.metricName, dimensions: {} },
                period: 60,
                stat: "Minimum",
              },
              returnData: true,
            },
          ],
        },
      },
    };
    for (const listener of this.listeners) listener(event);
  }
}

function alarmArn(alarm: Alarm): string {
  return `arn:aws:cloudwatch:${alarm.region}:${alarm.accountId}:alarm:${alarm.name}`;
}

function key(region: string, name: string): string {
  return `${region}/${name}`;
}
