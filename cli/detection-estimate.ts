import type { PlanIssue } from "../core/plan/plan-rules.js";
import type { Plan } from "../core/plan/schema.js";
import { firstDetection } from "../sandbox/alarm-detection.js";
import { MODELLED_TIMINGS } from "../sandbox/critical-path.js";

/**
 * The first trigger alarm that reaches kirikae when the active region goes dark (its own alarms never
 * do), from its definition and the modelled latencies (sandbox/alarm-detection.ts). The lost-writes
 * estimate grows from the outage on, so detection plus the hold is the least a data-loss failover loses.
 */
export interface DetectionEstimate {
  alarm: string;
  region: string;
  seconds: number;
  basis: string;
  holdSeconds: number;
  rpoSeconds: number;
  /** Detection plus the hold stays under the RPO, so a failover with data loss can still be allowed. */
  withinRpo: boolean;
  /** The plan's database.dataLoss: whether a failover beyond the RPO is refused or asked of a person. */
  dataLoss: Plan["database"]["dataLoss"];
}

export function detectionEstimate(plan: Plan): DetectionEstimate | null {
  const first = firstDetection(plan, MODELLED_TIMINGS.latencies, plan.activeRegion);
  if (!first) return null;
  const seconds = first.ms / 1000;
  const rpoSeconds = plan.objectives.rpoMinutes * 60;
  return {
    alarm: first.alarm.name,
    region: first.alarm.region,
    seconds,
    basis: first.basis,
    holdSeconds: plan.triggers.holdSeconds,
    rpoSeconds,
    withinRpo: seconds + plan.triggers.holdSeconds < rpoSeconds,
    dataLoss: plan.database.dataLoss,
  };
}

/**
 * `plan validate`'s warning for a plan whose detection plus hold reaches its RPO while it allows a
 * failover with data loss: a region outage would then be refused (or asked of a person) for its lag.
 */
export function detectionWarnings(plan: Plan): PlanIssue[] {
  const detection = detectionEstimate(plan);
  if (!detection || detection.withinRpo || detection.dataLoss === "never") return [];
  const standby = plan.regions.find((region) => region !== plan.activeRegion) ?? "the standby region";
  return [
    {
      path: "triggers",
      message: `the first alarm to arrive when ${plan.activeRegion} goes dark, ${detection.alarm}, fires after about ${detection.seconds} s; with the ${detection.holdSeconds} s hold that is not under the RPO of ${detection.rpoSeconds} s, and the lag grows from the outage on, so a failover with data loss would be ${detection.dataLoss === "approval-above-rpo" ? "asked of a person" : "refused"}`,
      hint: `add a faster alarm kirikae creates (a high-resolution canary metric from ${standby}, e.g. 10 s x 3) or shorten triggers.holdSeconds; \`kirikae plan explain\` shows the figures`,
      severity: "warning",
    },
  ];
}
