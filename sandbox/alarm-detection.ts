import type { Plan, TriggerAlarm } from "../core/plan/schema.js";
import { DEFAULT_LATENCIES, detectionDelayMs, type Latencies } from "./latencies.js";

/**
 * When each of a plan's trigger alarms goes to ALARM after the active region fails, from the alarm's own
 * definition and the latency table: the figure the drill fires it at, and the floor's detection.
 */
export interface AlarmDetection {
  alarm: TriggerAlarm;
  /** From the outage's start to the alarm's state change. */
  ms: number;
  /** How the figure was reached, in words (for `plan explain` and the bench's paths). */
  basis: string;
}

/**
 * CloudWatch evaluates an alarm once its period has closed; the table's `alarmEvaluation` is that wait for
 * a standard (60 s) period. "If the alarm period is 10 seconds or 30 seconds, the alarm is evaluated every
 * 10 seconds" (CloudWatch User Guide, "Using Amazon CloudWatch alarms", high-resolution alarms;
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html), so a
 * high-resolution alarm's wait is the same share of a 10 s evaluation interval.
 */
const HIGH_RESOLUTION_EVALUATION_MS = 10_000;

function evaluationMs(periodSeconds: number, latencies: Latencies): number {
  if (periodSeconds * 1000 >= latencies.alarmPeriod) return latencies.alarmEvaluation;
  return (latencies.alarmEvaluation * HIGH_RESOLUTION_EVALUATION_MS) / latencies.alarmPeriod;
}

/**
 *   - a health-check alarm kirikae creates: Route 53 calls the endpoint unhealthy (standard interval x
 *     failure threshold; the plan names the health check, not its interval), then HealthCheckStatus must
 *     breach for the alarm's evaluation periods of one minute each (the metric's resolution; "several
 *     minutes might elapse between the time that a health check fails and the time that you receive the
 *     associated SNS notification": Route 53 Developer Guide, "Monitoring health checks using CloudWatch",
 *     https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html), then
 *     CloudWatch evaluates;
 *   - a metric alarm kirikae creates (a canary, an error rate): the metric breaches from the outage's first
 *     period, so its periods x evaluation periods, then the evaluation;
 *   - an alarm kept outside the plan: its window is not in the plan, so Route 53's standard time to call an
 *     endpoint unhealthy is assumed, as for a health check's own alarm.
 */
export function alarmDetection(
  alarm: TriggerAlarm,
  latencies: Latencies = DEFAULT_LATENCIES,
): AlarmDetection {
  const create = alarm.create;
  if (create?.kind === "health-check") {
    const unhealthy = detectionDelayMs(latencies);
    const periods = create.evaluationPeriods * latencies.alarmPeriod;
    const ms = unhealthy + periods + latencies.alarmEvaluation;
    return {
      alarm,
      ms,
      basis: `health check unhealthy ${unhealthy / 1000} s + ${create.evaluationPeriods} x ${latencies.alarmPeriod / 1000} s periods + evaluation ${latencies.alarmEvaluation / 1000} s`,
    };
  }
  if (create?.kind === "metric") {
    const evaluation = evaluationMs(create.periodSeconds, latencies);
    const ms = create.periodSeconds * create.evaluationPeriods * 1000 + evaluation;
    return {
      alarm,
      ms,
      basis: `${create.evaluationPeriods} x ${create.periodSeconds} s periods + evaluation ${evaluation / 1000} s`,
    };
  }
  const ms = detectionDelayMs(latencies);
  return {
    alarm,
    ms,
    basis: `not created by kirikae, window unknown: Route 53's ${latencies.healthCheckInterval / 1000} s x ${latencies.healthCheckFailureThreshold} assumed`,
  };
}

/** Every trigger alarm, the first to fire first. */
export function alarmSchedule(plan: Plan, latencies: Latencies = DEFAULT_LATENCIES): AlarmDetection[] {
  return plan.triggers.alarms.map((alarm) => alarmDetection(alarm, latencies)).sort((a, b) => a.ms - b.ms);
}

/**
 * The first alarm that reaches kirikae: with the active region dark (`regionDown`), its own alarms never
 * arrive (their events are lost with it), so only the others count. Undefined when none can arrive.
 */
export function firstDetection(
  plan: Plan,
  latencies: Latencies = DEFAULT_LATENCIES,
  regionDown?: string,
): AlarmDetection | undefined {
  return alarmSchedule(plan, latencies).find((detection) => detection.alarm.region !== regionDown);
}
