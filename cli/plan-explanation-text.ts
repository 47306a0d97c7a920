import { duration } from "./drill-output.js";
import type { CriticalPathEstimate, PlanExplanation, WorkflowExplanation } from "./plan-explanation.js";

/** `kirikae plan explain` for a person: each workflow as a numbered list, then its critical path. */
export function renderPlanExplanation(explanation: PlanExplanation): string {
  const { plan } = explanation;
  const lines = [
    `Plan "${plan.name}" (${explanation.file}): ${plan.activeRegion} active, ${plan.standbyRegion} standby; ${plan.routing} routing; ${plan.mode} failover`,
    `Objectives: RTO ${plan.objectives.rtoMinutes} min, RPO ${plan.objectives.rpoMinutes} min`,
    "",
    ...workflow("Failover", explanation.failover),
    "",
    ...workflow("Failback, started by hand", explanation.failback),
    ...(explanation.notes.length > 0 ? ["", "Notes", ...explanation.notes.map((note) => `  - ${note}`)] : []),
    "",
    "Estimates add up the sandbox's modelled AWS latencies (npm run bench:rto compares a drill against the same path); kirikae's own overhead comes on top.",
    "",
  ];
  return lines.join("\n");
}

function workflow(heading: string, explained: WorkflowExplanation): string[] {
  return [
    `${heading}: ${explained.from} → ${explained.to}`,
    ...explained.steps.flatMap((step) => {
      const number = `${step.number}.`.padEnd(4);
      return [`  ${number}${step.title}`, ...step.lines.map((line) => `      ${line}`)];
    }),
    ...explained.criticalPaths.flatMap(criticalPath),
  ];
}

function criticalPath(estimate: CriticalPathEstimate): string[] {
  const margin = estimate.objectiveSeconds - estimate.seconds;
  const verdict = estimate.withinObjective
    ? `within it, ${duration(margin)} to spare`
    : `MISSES it by ${duration(-margin)}`;
  return [
    `  Critical path, when ${estimate.when}: ${estimate.expression}`,
    `      expected RTO ${duration(estimate.seconds)} against an objective of ${duration(estimate.objectiveSeconds)}: ${verdict}`,
  ];
}
