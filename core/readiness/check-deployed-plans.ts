import { KirikaeError } from "../errors.js";
import type { Plan } from "../plan/schema.js";
import type { MetricsPort } from "../ports/metrics.js";
import type { PlanStatePort } from "../ports/plan-state.js";
import type { NotifierPort } from "../ports/workflows.js";
import { checkReadiness, type ReadinessDeps } from "./check-readiness.js";
import { type Finding, type ReadinessSummary, summarise } from "./finding.js";

export const READINESS_NAMESPACE = "Kirikae";
export const READINESS_METRIC = "ReadinessGaps";

export interface ScheduledReadinessDeps extends ReadinessDeps {
  metrics: MetricsPort;
  notifier: NotifierPort;
  /** Where kirikae last moved each plan: a plan running failed over is checked as it runs, not as drift. */
  state: Pick<PlanStatePort, "get">;
}

export type PlanReadiness =
  | { plan: string; summary: ReadinessSummary; gaps: Finding[] }
  | { plan: string; error: string };

/**
 * The scheduled check of every deployed plan, one after the other to stay well inside the APIs' rate
 * limits:
 *   1. check the plan's readiness, taking as active the region kirikae last moved it to
 *   2. publish its gap count (metric Kirikae/ReadinessGaps, dimension Plan), 0 included, so the alarm on
 *      it sees a datapoint every run and clears once the drift is fixed
 *   3. notify the on-call engineer when there are gaps, with each gap and what to do about it
 * A plan whose check cannot run (no access) publishes nothing, so its alarm sees missing data, and is
 * notified; the others are still checked.
 */
export async function checkDeployedPlans(
  plans: readonly Plan[],
  deps: ScheduledReadinessDeps,
  options: { detectorFunction: string },
): Promise<PlanReadiness[]> {
  const results: PlanReadiness[] = [];
  for (const plan of plans) {
    let findings: Finding[];
    try {
      const activeRegion = (await deps.state.get(plan.name)).activeRegion ?? plan.activeRegion;
      findings = await checkReadiness(plan, deps, { ...options, runningIn: activeRegion });
    } catch (error) {
      if (!(error instanceof KirikaeError)) throw error;
      await deps.notifier.notify(
        `kirikae: the readiness check of ${plan.name} could not run`,
        error.describe(),
        { plan: plan.name, error: error.name },
      );
      results.push({ plan: plan.name, error: error.describe() });
      continue;
    }
    const summary = summarise(findings);
    const gaps = findings.filter((finding) => !finding.ok);
    await deps.metrics.publish({
      namespace: READINESS_NAMESPACE,
      name: READINESS_METRIC,
      value: summary.gaps,
      unit: "Count",
      dimensions: { Plan: plan.name },
    });
    if (gaps.length > 0) {
      await deps.notifier.notify(
        `kirikae: ${plan.name} has ${summary.gaps} readiness gap${summary.gaps === 1 ? "" : "s"}`,
        gaps.map(describeGap).join("\n"),
        { plan: plan.name, summary, gaps },
      );
    }
    results.push({ plan: plan.name, summary, gaps });
  }
  return results;
}

function describeGap(finding: Finding): string {
  const line = `✗ ${finding.check} ${finding.region} ${finding.resource}: expected ${finding.expected}, found ${finding.actual}`;
  return finding.hint ? `${line}\n  what to do: ${finding.hint}` : line;
}
