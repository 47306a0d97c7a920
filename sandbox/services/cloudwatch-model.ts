import {
  CloudWatchServiceException,
  type ComparisonOperator,
  InvalidFormatFault,
  InvalidParameterValueException,
  type MetricAlarm,
  type MetricDataResult,
  type MetricDatum,
  ResourceNotFound,
  type StateValue,
  type Statistic,
} from "@aws-sdk/client-cloudwatch";
import type { CloudWatchAlarmConfiguration, CloudWatchAlarmState, EventBridgeEvent } from "aws-lambda";
import { GATE_METRIC } from "../../core/traffic/gates.js";
import { DEFAULT_LATENCIES } from "../latencies.js";
import {
  errorMetadata,
  type ModelContext,
  type SandboxCall,
  type ServiceModel,
  type TrailResource,
} from "../service-model.js";
import type { RdsModel } from "./rds-model.js";

export type AlarmStateValue = StateValue;

/** An alarm state inside the event: CloudWatch writes its timestamps as "2019-10-02T17:04:40.985+0000". */
export type AlarmEventState = Omit<CloudWatchAlarmState, "value"> & { value: AlarmStateValue };

export interface AlarmStateChangeDetail {
  alarmName: string;
  configuration: CloudWatchAlarmConfiguration;
  previousState: AlarmEventState;
  state: AlarmEventState;
}

/**
 * The EventBridge "CloudWatch Alarm State Change" event of a metric alarm, as AWS delivers it; `time` is
 * whole seconds in UTC ("2019-10-02T17:04:40Z"), the states' timestamps carry milliseconds and "+0000".
 */
export type AlarmStateChangeEvent = EventBridgeEvent<
  "CloudWatch Alarm State Change",
  AlarmStateChangeDetail
> & {
  version: "0";
  source: "aws.cloudwatch";
};

export interface CloudWatchSeed {
  alarms: Array<{
    name: string;
    region: string;
    accountId?: string;
    namespace?: string;
    metricName?: string;
    dimensions?: Record<string, string>;
    /**
     * An alarm over a metric kirikae publishes (a traffic gate): its state follows the published values,
     * starting from this one, as if published when the alarm was deployed.
     */
    published?: { initialValue: number; threshold: number };
  }>;
}

interface Alarm {
  name: string;
  region: string;
  accountId: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  evaluation: Evaluation;
  configuredAt: Date;
  state: AlarmStateValue;
  reason: string;
  reasonData?: string;
  updatedAt: Date;
  /** Present for alarms whose state follows datapoints kirikae publishes (LessThanThreshold, Maximum). */
  published?: { threshold: number };
}

interface PublishedDatapoint {
  region: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  value: number;
  at: Date;
}

interface Evaluation {
  statistic: Statistic;
  period: number;
  evaluationPeriods: number;
  threshold: number;
  comparison: ComparisonOperator;
}

interface MetricQuery {
  Id?: string;
  Label?: string;
  ReturnData?: boolean;
  Expression?: string;
  MetricStat?: {
    Metric?: {
      Namespace?: string;
      MetricName?: string;
      Dimensions?: Array<{ Name?: string; Value?: string }>;
    };
    Period?: number;
    Stat?: string;
  };
}

const STATE_VALUES: readonly string[] = ["OK", "ALARM", "INSUFFICIENT_DATA"];
/** Published by Aurora per secondary cluster, in the secondary's region, in milliseconds. */
const AURORA_LAG_METRICS = new Set(["AuroraGlobalDBRPOLag", "AuroraGlobalDBReplicationLag"]);
const DEFAULT_ACCOUNT = "111122223333";
/**
 * A standard-resolution alarm is evaluated once a minute on the minute just closed (CloudWatch user guide,
 * "Evaluating an alarm"), and a datapoint needs a moment to be ingested: a value published during a minute
 * moves the alarm this long after that minute closes.
 */
export const ALARM_EVALUATION_DELAY_MS = DEFAULT_LATENCIES.alarmEvaluation;
const MINUTE_MS = 60_000;

/**
 * CloudWatch alarms, whose state changes become EventBridge events, and the Aurora global database lag
 * metrics that the pre-checks and the RPO estimate read (answered from the RDS model's lag).
 */
export class CloudWatchModel implements ServiceModel {
  readonly service = "cloudwatch" as const;
  readonly eventSource = "monitoring.amazonaws.com";
  private readonly alarms = new Map<string, Alarm>();
  private readonly listeners: Array<(event: AlarmStateChangeEvent) => void> = [];
  private eventCount = 0;
  private readonly datapoints: PublishedDatapoint[] = [];

  constructor(
    private readonly context: ModelContext,
    seed: CloudWatchSeed,
    private readonly rds?: RdsModel,
    /** Default ALARM_EVALUATION_DELAY_MS (sandbox/latencies.ts `alarmEvaluation`). */
    private readonly evaluationDelayMs: number = ALARM_EVALUATION_DELAY_MS,
  ) {
    const now = context.clock.now();
    for (const alarm of seed.alarms) {
      // Alarms on Route 53 health checks must live in us-east-1; elsewhere a load balancer's errors.
      const onHealthCheck = alarm.region === "us-east-1";
      const metricName =
        alarm.metricName ?? (onHealthCheck ? "HealthCheckStatus" : "HTTPCode_Target_5XX_Count");
      this.alarms.set(key(alarm.region, alarm.name), {
        name: alarm.name,
        region: alarm.region,
        accountId: alarm.accountId ?? DEFAULT_ACCOUNT,
        namespace: alarm.namespace ?? (onHealthCheck ? "AWS/Route53" : "AWS/ApplicationELB"),
        metricName,
        dimensions: alarm.dimensions ?? {},
        evaluation: evaluationFor(metricName),
        configuredAt: now,
        state: "OK",
        reason: "Threshold Crossed: no datapoints breaching the threshold",
        updatedAt: now,
        ...(alarm.published ? { published: { threshold: alarm.published.threshold } } : {}),
      });
      if (alarm.published) {
        this.datapoints.push({
          region: alarm.region,
          namespace: alarm.namespace ?? "",
          metricName: alarm.metricName ?? "",
          dimensions: alarm.dimensions ?? {},
          value: alarm.published.initialValue,
          at: new Date(now.getTime() - 10 * MINUTE_MS),
        });
        const seeded = this.alarms.get(key(alarm.region, alarm.name));
        if (seeded) seeded.state = this.publishedStateAt(seeded, now.getTime()) ?? "INSUFFICIENT_DATA";
      }
    }
  }

  /**
   * Whether an alarm over published values was OK at a moment: what a Route 53 health check that follows
   * it reads. Between published values the alarm's data runs out and CloudWatch reports INSUFFICIENT_DATA;
   * a gate's health check is set to LastKnownStatus for exactly that, so the last value keeps deciding.
   */
  publishedAlarmOkAt(region: string, name: string, atMs: number): boolean | undefined {
    const alarm = this.alarms.get(key(region, name));
    if (!alarm?.published) return undefined;
    const state = this.publishedStateAt(alarm, atMs);
    return state === undefined ? undefined : state === "OK";
  }

  private publishedStateAt(alarm: Alarm, atMs: number): AlarmStateValue | undefined {
    if (!alarm.published) return undefined;
    const wanted = dimensionKey(alarm.dimensions);
    let latest: PublishedDatapoint | undefined;
    for (const point of this.datapoints) {
      if (
        point.region !== alarm.region ||
        point.namespace !== alarm.namespace ||
        point.metricName !== alarm.metricName ||
        dimensionKey(point.dimensions) !== wanted
      )
        continue;
      const minuteClosed = (Math.floor(point.at.getTime() / MINUTE_MS) + 1) * MINUTE_MS;
      if (minuteClosed + this.evaluationDelayMs > atMs) continue;
      if (!latest || point.at.getTime() >= latest.at.getTime()) latest = point;
    }
    if (!latest) return undefined;
    return latest.value < alarm.published.threshold ? "ALARM" : "OK";
  }

  /** Brings an alarm over published values up to date before anyone reads it. */
  private refresh(alarm: Alarm): void {
    const state = this.publishedStateAt(alarm, this.context.clock.now().getTime());
    if (state !== undefined && state !== alarm.state) {
      this.transition(
        alarm,
        state,
        `Threshold Crossed: the published value is ${state === "OK" ? "at or above" : "below"} the threshold`,
        undefined,
      );
    }
  }

  isMutating(operation: string): boolean {
    // PutMetricData is a CloudTrail data event, which LookupEvents does not return: not modelled as one.
    return operation === "SetAlarmState" || operation === "DeleteAlarms";
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
      case "PutMetricData":
        return this.putMetricData(call);
      case "DeleteAlarms":
        return this.deleteAlarms(call);
      default:
        throw new Error(`the sandbox does not model cloudwatch:${call.operation}`);
    }
  }

  /** Registers an EventBridge rule target: told of every alarm state change, as it happens. */
  onAlarmStateChange(listener: (event: AlarmStateChangeEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Sandbox control: the alarm changes state as its metric would make it, and EventBridge hears of it. */
  setAlarmState(region: string, name: string, state: AlarmStateValue, reason: string): void {
    const alarm = this.alarms.get(key(region, name));
    if (!alarm) throw new Error(`the sandbox has no alarm ${name} in ${region}`);
    this.transition(alarm, state, reason, undefined);
  }

  /** Sandbox inspection: an alarm's current state, or undefined if there is no such alarm. */
  alarmState(region: string, name: string): AlarmStateValue | undefined {
    const alarm = this.alarms.get(key(region, name));
    if (alarm) this.refresh(alarm);
    return alarm?.state;
  }

  /** Sandbox inspection: an alarm's evaluation window, as DescribeAlarms shows it (Period, EvaluationPeriods). */
  alarmWindow(
    region: string,
    name: string,
  ): { periodSeconds: number; evaluationPeriods: number } | undefined {
    const alarm = this.alarms.get(key(region, name));
    return alarm
      ? { periodSeconds: alarm.evaluation.period, evaluationPeriods: alarm.evaluation.evaluationPeriods }
      : undefined;
  }

  /** Sandbox inspection: the values published to a custom metric with exactly these dimensions, in order. */
  publishedValues(
    region: string,
    namespace: string,
    metricName: string,
    dimensions: Record<string, string>,
  ): number[] {
    const wanted = dimensionKey(dimensions);
    return this.datapoints
      .filter(
        (point) =>
          point.region === region &&
          point.namespace === namespace &&
          point.metricName === metricName &&
          dimensionKey(point.dimensions) === wanted,
      )
      .map((point) => point.value);
  }

  private describeAlarms(call: SandboxCall): Record<string, unknown> {
    const names = stringArray(call.input.AlarmNames);
    const prefix = typeof call.input.AlarmNamePrefix === "string" ? call.input.AlarmNamePrefix : undefined;
    const stateFilter = call.input.StateValue;
    const types = stringArray(call.input.AlarmTypes);
    for (const alarm of this.alarms.values()) if (alarm.region === call.region) this.refresh(alarm);
    // Without AlarmTypes only metric alarms are listed; every alarm here is one, none has actions.
    const wantMetricAlarms = !types || types.includes("MetricAlarm");
    const matching = [...this.alarms.values()]
      .filter(
        (alarm) =>
          wantMetricAlarms &&
          alarm.region === call.region &&
          (!names || names.includes(alarm.name)) &&
          (prefix === undefined || alarm.name.startsWith(prefix)) &&
          (stateFilter === undefined || alarm.state === stateFilter) &&
          call.input.ActionPrefix === undefined,
      )
      .sort((a, b) => a.name.localeCompare(b.name));
    return {
      MetricAlarms: matching.map((alarm) => metricAlarmShape(alarm)),
      CompositeAlarms: [],
    };
  }

  /** Like CloudWatch: if any named alarm does not exist, none is deleted. */
  private deleteAlarms(call: SandboxCall): Record<string, unknown> {
    const names = stringArray(call.input.AlarmNames) ?? [];
    if (names.length === 0) throw validationError(call, "The parameter AlarmNames is required.");
    const missing = names.filter((name) => !this.alarms.has(key(call.region, name)));
    if (missing.length > 0) {
      throw new ResourceNotFound({
        message: `Alarm ${missing.join(", ")} not found`,
        $metadata: errorMetadata(call, 404),
      });
    }
    for (const name of names) this.alarms.delete(key(call.region, name));
    return {};
  }

  /** Custom metrics only: CloudWatch reserves the AWS/ namespaces for AWS's own services. */
  private putMetricData(call: SandboxCall): Record<string, unknown> {
    const namespace = call.input.Namespace;
    if (typeof namespace !== "string" || namespace === "") {
      throw validationError(call, "The parameter Namespace is required.");
    }
    if (namespace.startsWith("AWS/")) {
      throw new InvalidParameterValueException({
        message: "The value AWS/ for parameter Namespace is invalid.",
        $metadata: errorMetadata(call),
      });
    }
    const data = Array.isArray(call.input.MetricData) ? (call.input.MetricData as MetricDatum[]) : [];
    if (data.length === 0) throw validationError(call, "The parameter MetricData is required.");
    const points = data.map((datum): PublishedDatapoint => {
      if (!datum.MetricName || typeof datum.Value !== "number") {
        throw validationError(call, "Each MetricData member needs a MetricName and a Value.");
      }
      return {
        region: call.region,
        namespace,
        metricName: datum.MetricName,
        dimensions: Object.fromEntries(
          (datum.Dimensions ?? []).map((dimension) => [dimension.Name ?? "", dimension.Value ?? ""]),
        ),
        value: datum.Value,
        at: datum.Timestamp ?? this.context.clock.now(),
      };
    });
    this.datapoints.push(...points);
    return {};
  }

  private setAlarmStateCall(call: SandboxCall): Record<string, unknown> {
    const name = call.input.AlarmName;
    const state = call.input.StateValue;
    const reason = call.input.StateReason;
    if (typeof name !== "string" || typeof reason !== "string") {
      throw validationError(call, "AlarmName and StateReason are required.");
    }
    if (typeof state !== "string" || !STATE_VALUES.includes(state)) {
      throw validationError(
        call,
        `1 validation error detected: Value '${String(state)}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]`,
      );
    }
    const reasonData = call.input.StateReasonData;
    if (reasonData !== undefined && (typeof reasonData !== "string" || !isJson(reasonData))) {
      throw new InvalidFormatFault({
        message: "StateReasonData is not valid JSON.",
        $metadata: errorMetadata(call),
      });
    }
    const alarm = this.alarms.get(key(call.region, name));
    if (!alarm) {
      throw new ResourceNotFound({
        message: `Alarm ${name} not found`,
        $metadata: errorMetadata(call, 404),
      });
    }
    this.transition(alarm, state as AlarmStateValue, reason, reasonData);
    return {};
  }

  /**
   * Answers MetricStat queries. The Aurora lag metrics have data for a secondary cluster, asked for by
   * its identifier in its own region, under exactly the DBClusterIdentifier dimension (CloudWatch matches
   * dimension sets exactly); a writer publishes none. Other metrics exist but have no datapoints.
   */
  private getMetricData(call: SandboxCall): Record<string, unknown> {
    const { StartTime: start, EndTime: end } = call.input;
    if (!(start instanceof Date) || !(end instanceof Date)) {
      throw validationError(call, "The parameters StartTime and EndTime are required.");
    }
    if (start.getTime() >= end.getTime()) {
      throw validationError(call, "The parameter StartTime must be less than the parameter EndTime.");
    }
    const queries = Array.isArray(call.input.MetricDataQueries)
      ? (call.input.MetricDataQueries as MetricQuery[])
      : [];
    if (queries.length === 0) throw validationError(call, "The parameter MetricDataQueries is required.");
    for (const query of queries) {
      if (!query.Id || !/^[a-z][a-zA-Z0-9_]*$/.test(query.Id)) {
        throw validationError(
          call,
          `The value ${String(query.Id)} for parameter MetricDataQueries.member.Id is not valid: it must start with a lowercase letter and contain only letters, digits and underscores.`,
        );
      }
      if (query.Expression !== undefined) {
        throw new Error("the sandbox does not model cloudwatch:GetMetricData metric math expressions");
      }
    }
    return {
      MetricDataResults: queries
        .filter((query) => query.ReturnData !== false)
        .map((query): MetricDataResult => {
          const metric = query.MetricStat?.Metric;
          const lag = this.lagDatapoint(call.region, query);
          const periodMs = (query.MetricStat?.Period ?? 60) * 1000;
          // A datapoint is stamped with the start of its period: the latest one that began in the window.
          const latest = Math.min(this.context.clock.now().getTime(), end.getTime() - 1);
          const stamp = Math.floor(latest / periodMs) * periodMs;
          const inWindow = lag !== undefined && latest >= start.getTime();
          return {
            Id: query.Id,
            Label: query.Label ?? metric?.MetricName ?? query.Id,
            Timestamps: inWindow ? [new Date(stamp)] : [],
            Values: inWindow ? [lag] : [],
            StatusCode: "Complete",
            Messages: [],
          };
        }),
      Messages: [],
    };
  }

  private lagDatapoint(region: string, query: MetricQuery): number | undefined {
    const metric = query.MetricStat?.Metric;
    if (!this.rds || metric?.Namespace !== "AWS/RDS" || !AURORA_LAG_METRICS.has(metric.MetricName ?? "")) {
      return undefined;
    }
    const [dimension, ...others] = metric.Dimensions ?? [];
    if (others.length > 0 || dimension?.Name !== "DBClusterIdentifier" || !dimension.Value) return undefined;
    const arn = this.rds.clusterArnOf(region, dimension.Value);
    // Older Aurora MySQL publishes no AuroraGlobalDBRPOLag at all: the query finds no datapoint.
    if (arn === undefined || !this.rds.publishesLagMetric(arn, metric.MetricName ?? "")) return undefined;
    return this.rds.replicationLagMs(arn);
  }

  private transition(
    alarm: Alarm,
    state: AlarmStateValue,
    reason: string,
    reasonData: string | undefined,
  ): void {
    // EventBridge hears of transitions only; setting the state an alarm is already in changes nothing.
    if (alarm.state === state) return;
    const previous = eventState(alarm.state, alarm.reason, alarm.reasonData, alarm.updatedAt);
    const now = this.context.clock.now();
    alarm.state = state;
    alarm.reason = reason;
    if (reasonData === undefined) delete alarm.reasonData;
    else alarm.reasonData = reasonData;
    alarm.updatedAt = now;
    this.eventCount += 1;
    const event: AlarmStateChangeEvent = {
      version: "0",
      id: `c4c1c1c9-6542-e61b-6ef0-${this.eventCount.toString(16).padStart(12, "0")}`,
      "detail-type": "CloudWatch Alarm State Change",
      source: "aws.cloudwatch",
      account: alarm.accountId,
      time: eventTime(now),
      region: alarm.region,
      resources: [alarmArn(alarm)],
      detail: {
        alarmName: alarm.name,
        configuration: {
          metrics: [
            {
              id: `${alarm.name}-m1`,
              metricStat: {
                metric: {
                  namespace: alarm.namespace,
                  name: alarm.metricName,
                  dimensions: { ...alarm.dimensions },
                },
                period: alarm.evaluation.period,
                stat: alarm.evaluation.statistic,
              },
              returnData: true,
            },
          ],
        },
        previousState: previous,
        state: eventState(state, reason, reasonData, now),
      },
    };
    for (const listener of this.listeners) listener(event);
  }
}

function metricAlarmShape(alarm: Alarm): MetricAlarm {
  return {
    AlarmName: alarm.name,
    AlarmArn: alarmArn(alarm),
    AlarmConfigurationUpdatedTimestamp: alarm.configuredAt,
    ActionsEnabled: true,
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    StateValue: alarm.state,
    StateReason: alarm.reason,
    ...(alarm.reasonData === undefined ? {} : { StateReasonData: alarm.reasonData }),
    StateUpdatedTimestamp: alarm.updatedAt,
    StateTransitionedTimestamp: alarm.updatedAt,
    MetricName: alarm.metricName,
    Namespace: alarm.namespace,
    Statistic: alarm.evaluation.statistic,
    Dimensions: Object.entries(alarm.dimensions).map(([Name, Value]) => ({ Name, Value })),
    Period: alarm.evaluation.period,
    EvaluationPeriods: alarm.evaluation.evaluationPeriods,
    Threshold: alarm.evaluation.threshold,
    ComparisonOperator: alarm.evaluation.comparison,
    TreatMissingData: "missing",
  };
}

/** How such alarms are usually set up; only shown by DescribeAlarms and in the event's configuration. */
function evaluationFor(metricName: string): Evaluation {
  if (metricName === GATE_METRIC.metricName) {
    return {
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 1,
      threshold: 1,
      comparison: "LessThanThreshold",
    };
  }
  return metricName === "HealthCheckStatus"
    ? {
        statistic: "Minimum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparison: "LessThanThreshold",
      }
    : {
        statistic: "Sum",
        period: 60,
        evaluationPeriods: 3,
        threshold: 10,
        comparison: "GreaterThanOrEqualToThreshold",
      };
}

function eventState(
  value: AlarmStateValue,
  reason: string,
  reasonData: string | undefined,
  at: Date,
): AlarmEventState {
  return {
    reason,
    ...(reasonData === undefined ? {} : { reasonData }),
    timestamp: alarmTimestamp(at),
    value,
  };
}

/** CloudWatch's timestamp format in alarm events: milliseconds and a "+0000" offset, not ISO's "Z". */
function alarmTimestamp(at: Date): string {
  return at.toISOString().replace(/Z$/, "+0000");
}

/** EventBridge's envelope time: whole seconds, UTC. */
function eventTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function alarmArn(alarm: Alarm): string {
  return `arn:aws:cloudwatch:${alarm.region}:${alarm.accountId}:alarm:${alarm.name}`;
}

function dimensionKey(dimensions: Record<string, string>): string {
  return JSON.stringify(Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b)));
}

function key(region: string, name: string): string {
  return `${region}/${name}`;
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : undefined;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The query protocol's parameter validation error, which the CloudWatch SDK has no class of its own for. */
function validationError(call: SandboxCall, message: string): CloudWatchServiceException {
  return new CloudWatchServiceException({
    name: "ValidationError",
    $fault: "client",
    message,
    $metadata: errorMetadata(call),
  });
}
