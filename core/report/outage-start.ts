import type { Plan } from "../plan/schema.js";
import type { RecordedRequest } from "./run-facts.js";

/** The alarm's evaluation window: how long the metric had to breach before the alarm could change state. */
export interface EvaluationWindow {
  periodSeconds: number;
  evaluationPeriods: number;
  /** Where the figures came from: the request the detector recorded, or the plan's alarm definition. */
  source: "request" | "plan";
}

/**
 * When the outage began, as far as the records can say. An alarm changes state only after its metric
 * has breached for `evaluationPeriods` consecutive periods, so the outage began at the latest one window
 * before the state change: that is the estimate. It can be earlier still by however long the metric took
 * to show the failure (a health check's own failure threshold, for example), which the report says.
 * A run started by hand, or by an alarm whose window is known to neither the plan nor the request,
 * has no estimate: the report then says why, and counts from detection.
 */
export type OutageStart =
  | {
      kind: "estimated";
      at: string;
      detectedAt: string;
      alarm: { name: string; region: string };
      window: EvaluationWindow;
    }
  | { kind: "manual"; detectedAt?: string }
  | { kind: "window-unknown"; detectedAt: string; alarm: { name: string; region: string } }
  | { kind: "unknown" };

/** Route 53 publishes HealthCheckStatus once a minute; infra creates alarms on it with a 60 s period. */
const HEALTH_CHECK_PERIOD_SECONDS = 60;

export function outageStart(plan: Plan, request: RecordedRequest | undefined): OutageStart {
  const trigger = request?.trigger;
  if (!trigger?.detectedAt) return { kind: "unknown" };
  if (trigger.type !== "alarm" || !trigger.alarmName || !trigger.alarmRegion)
    return { kind: "manual", detectedAt: trigger.detectedAt };
  const alarm = { name: trigger.alarmName, region: trigger.alarmRegion };
  const window = trigger.evaluation
    ? { ...trigger.evaluation, source: "request" as const }
    : planWindow(plan, alarm);
  if (!window) return { kind: "window-unknown", detectedAt: trigger.detectedAt, alarm };
  const seconds = window.periodSeconds * window.evaluationPeriods;
  return {
    kind: "estimated",
    at: new Date(Date.parse(trigger.detectedAt) - seconds * 1000).toISOString(),
    detectedAt: trigger.detectedAt,
    alarm,
    window,
  };
}

function planWindow(plan: Plan, alarm: { name: string; region: string }): EvaluationWindow | undefined {
  const create = plan.triggers.alarms.find(
    (candidate) => candidate.name === alarm.name && candidate.region === alarm.region,
  )?.create;
  if (!create) return undefined;
  return create.kind === "health-check"
    ? {
        periodSeconds: HEALTH_CHECK_PERIOD_SECONDS,
        evaluationPeriods: create.evaluationPeriods,
        source: "plan",
      }
    : { periodSeconds: create.periodSeconds, evaluationPeriods: create.evaluationPeriods, source: "plan" };
}
