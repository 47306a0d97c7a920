import * as aws from "@pulumi/aws";
import type { Plan, TriggerAlarm } from "../core/plan/schema.js";
import {
  detectorAlarmName,
  functionErrorAlarmName,
  pascalCase,
  readinessAlarmName,
  readinessMetric,
} from "./names.js";
import type { RegionProviders } from "./providers.js";

/** The readiness check runs every 30 minutes; an hour without a datapoint means it stopped. */
const READINESS_PERIOD_SECONDS = 3600;

/**
 * The trigger alarms a plan asks kirikae to own (`triggers.alarms[].create`), each in its own region. They
 * have no actions: their state changes reach the detector through EventBridge, like any other alarm's.
 */
export function triggerAlarms(stage: string, plans: readonly Plan[], providers: RegionProviders): void {
  const seen = new Set<string>();
  for (const plan of plans) {
    for (const alarm of plan.triggers.alarms) {
      if (!alarm.create) continue;
      const key = `${alarm.region}/${alarm.name}`;
      if (seen.has(key)) {
        throw new Error(
          `alarm ${alarm.name} in ${alarm.region} is created by two plans; let one plan own it`,
        );
      }
      seen.add(key);
      new aws.cloudwatch.MetricAlarm(
        `${pascalCase(alarm.region)}${pascalCase(alarm.name)}Alarm`,
        {
          name: alarm.name,
          alarmDescription: `kirikae ${stage}: says plan ${plan.name}'s active region is down; triggers its failover`,
          ...metricOf(alarm.create),
        },
        { provider: providers(alarm.region) },
      );
    }
  }
}

function metricOf(create: NonNullable<TriggerAlarm["create"]>): aws.cloudwatch.MetricAlarmArgs {
  if (create.kind === "health-check") {
    // HealthCheckStatus is 1 while healthy, 0 while not; Minimum catches a single failing minute.
    return {
      namespace: "AWS/Route53",
      metricName: "HealthCheckStatus",
      dimensions: { HealthCheckId: create.healthCheckId },
      statistic: "Minimum",
      period: 60,
      evaluationPeriods: create.evaluationPeriods,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      // No data is no verdict: a gap in Route 53's metrics must not start a failover.
      treatMissingData: "missing",
    };
  }
  return {
    namespace: create.namespace,
    metricName: create.metricName,
    dimensions: create.dimensions,
    statistic: create.statistic,
    period: create.periodSeconds,
    evaluationPeriods: create.evaluationPeriods,
    threshold: create.threshold,
    comparisonOperator: create.comparison,
    treatMissingData: "missing",
  };
}

/**
 * Per plan and control-plane region: an alarm on the readiness gaps the check publishes, notifying the
 * topic. Missing data counts as breaching, so a readiness check that stopped running is itself a gap.
 */
export function readinessAlarm(args: {
  stage: string;
  region: string;
  plan: Plan;
  topicArn: aws.sns.Topic["arn"];
  provider: aws.Provider;
}): aws.cloudwatch.MetricAlarm {
  const { stage, region, plan, topicArn, provider } = args;
  return new aws.cloudwatch.MetricAlarm(
    `${pascalCase(region)}${pascalCase(plan.name)}ReadinessAlarm`,
    {
      name: readinessAlarmName(stage, plan.name),
      alarmDescription: `kirikae ${stage}: plan ${plan.name} has readiness gaps, or its readiness check stopped`,
      namespace: readinessMetric.namespace,
      metricName: readinessMetric.name,
      dimensions: { [readinessMetric.dimension]: plan.name },
      statistic: "Maximum",
      period: READINESS_PERIOD_SECONDS,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "breaching",
      alarmActions: [topicArn],
      okActions: [topicArn],
    },
    { provider },
  );
}

/**
 * The detector's own failures, told to the on-call topic: an invocation that failed (Lambda retries it,
 * and the audit trail has an `alarm.detector-failed` record), and an event given up on after the retries
 * (it sits in the dead-letter queue; whoever reads it decides whether to fail over by hand). Silence is
 * no failure here: a detector with nothing to decide has no errors and an empty queue.
 */
export function detectorFailureAlarms(args: {
  stage: string;
  region: string;
  detector: aws.lambda.Function;
  deadLetters: aws.sqs.Queue;
  topicArn: aws.sns.Topic["arn"];
  provider: aws.Provider;
}): void {
  const { stage, region, detector, deadLetters, topicArn, provider } = args;
  const prefix = pascalCase(region);
  const onePerMinute = pageOnAnyInAMinute(topicArn);
  new aws.cloudwatch.MetricAlarm(
    `${prefix}DetectorErrorsAlarm`,
    {
      name: detectorAlarmName(stage, "errors"),
      alarmDescription: `kirikae ${stage}: the alarm detector failed on an event; Lambda retries it, see alarm.detector-failed in the audit trail`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: detector.name },
      statistic: "Sum",
      ...onePerMinute,
    },
    { provider },
  );
  new aws.cloudwatch.MetricAlarm(
    `${prefix}DetectorDeadLettersAlarm`,
    {
      name: detectorAlarmName(stage, "dead-letters"),
      alarmDescription: `kirikae ${stage}: an alarm event failed every detector attempt and is in the dead-letter queue; decide whether to fail over by hand`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: deadLetters.name },
      statistic: "Maximum",
      ...onePerMinute,
    },
    { provider },
  );
}

/**
 * A scheduled function whose failures would otherwise go unseen, told to the on-call topic on its first
 * failed invocation (AWS/Lambda Errors, by function name, as the detector's). The hourly digest writer
 * fails its invocation when a plan's digest was not written; the evidence linker when it could not drain
 * the detector's dead-letter queue. Each run is one invocation, so one error is enough; no run, no data,
 * no alarm (a schedule that stops is the readiness check's to notice, not this).
 */
export function scheduledFunctionErrorAlarm(args: {
  stage: string;
  region: string;
  key: string;
  fn: aws.lambda.Function;
  /** What failing means for this function, and what to do: the alarm's description. */
  meaning: string;
  topicArn: aws.sns.Topic["arn"];
  provider: aws.Provider;
}): aws.cloudwatch.MetricAlarm {
  const { stage, region, key, fn, meaning, topicArn, provider } = args;
  return new aws.cloudwatch.MetricAlarm(
    `${pascalCase(region)}${pascalCase(key)}ErrorsAlarm`,
    {
      name: functionErrorAlarmName(stage, key),
      alarmDescription: `kirikae ${stage}: ${meaning}`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: fn.name },
      statistic: "Sum",
      ...pageOnAnyInAMinute(topicArn),
    },
    { provider },
  );
}

/**
 * Pages the on-call topic on any occurrence in a minute, and again when it clears. No data is no
 * failure: these count errors, and a quiet minute has none.
 */
export function pageOnAnyInAMinute(topicArn: aws.sns.Topic["arn"]) {
  return {
    period: 60,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    alarmActions: [topicArn],
    okActions: [topicArn],
  };
}
