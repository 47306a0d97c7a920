import { PROBE_TIMEOUT_MS } from "../adapters/aws/region-clients.js";
import { ROUTE53_API_REGION } from "../core/workflow/global-control-planes.js";
import type { StepCall, StepCalls } from "../core/workflow/step-calls.js";
import { outlineText } from "../steps/block-outline.js";
import { duration } from "./drill-output.js";
import type { CriticalPathEstimate, PlanExplanation, WorkflowExplanation } from "./plan-explanation.js";

/** `kirikae plan explain` for a person: each workflow as a numbered list, then its critical path. */
export function renderPlanExplanation(explanation: PlanExplanation): string {
  const { plan } = explanation;
  const lines = [
    `Plan "${plan.name}" (${explanation.file}): ${plan.activeRegion} active, ${plan.standbyRegion} standby; ${plan.routing} routing, traffic moved by ${plan.traffic === "gates" ? "gates (Route 53's data plane)" : "record edits (Route 53's API in us-east-1)"}; ${plan.mode} failover`,
    `Objectives: RTO ${plan.objectives.rtoMinutes} min, RPO ${plan.objectives.rpoMinutes} min`,
    "",
    ...workflow("Failover", explanation.failover),
    ...detectionLines(explanation),
    "",
    ...workflow("Failback, started by hand", explanation.failback),
    "",
    ...calls("Failover calls", explanation.failover),
    "",
    ...calls("Failback calls", explanation.failback),
    "",
    "Recovery blocks",
    ...outlineText(explanation.blocks).map((line) => `  ${line}`),
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

function detectionLines(explanation: PlanExplanation): string[] {
  const { detection } = explanation;
  if (!detection)
    return [
      `  Detection: no trigger alarm lives outside ${explanation.plan.activeRegion}; none would arrive`,
    ];
  const lines = [
    `  Detection, when ${explanation.plan.activeRegion} goes dark: ${detection.alarm} (${detection.region}) after ${duration(detection.seconds)} (${detection.basis}); the critical paths above start there`,
  ];
  if (detection.dataLoss !== "never" && !detection.withinRpo) {
    const outcome =
      detection.dataLoss === "approval-above-rpo"
        ? "a failover with data loss would wait for a person's approval"
        : "a failover with data loss would be refused";
    lines.push(
      `      detection plus the ${duration(detection.holdSeconds)} hold is ${duration(detection.seconds + detection.holdSeconds)}, not under the RPO of ${duration(detection.rpoSeconds)}: the lag grows from the outage on, so ${outcome}; add a faster alarm (a canary from ${explanation.plan.standbyRegion}) or shorten the hold`,
    );
  }
  return lines;
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

/**
 * Where each step's AWS calls go, grouped by region and by whether the step waits on them, then every
 * critical call beyond the recovery region's own APIs, said plainly.
 */
function calls(heading: string, explained: WorkflowExplanation): string[] {
  const lines = [
    `${heading}, step by step (critical: the step waits on it; advisory: ${PROBE_TIMEOUT_MS / 1000} s timeout, recorded, never blocking):`,
    ...explained.calls.flatMap(stepLines),
  ];
  const dependencies = groupDependencies(explained);
  if (dependencies.length === 0) {
    lines.push(
      `  On the critical path: only ${explained.to}'s regional APIs and data planes; nothing in ${explained.from} (the region being left)${explained.from === ROUTE53_API_REGION ? ", Route 53's API included" : `, nor Route 53's API in ${ROUTE53_API_REGION}`}.`,
    );
  } else {
    lines.push(`  On the critical path beyond ${explained.to}'s regional APIs and data planes:`);
    lines.push(...dependencies.map((line) => `    ! ${line}`));
    if (explained.kind === "failback") {
      lines.push(
        `  A failback is planned and started by hand once ${explained.from} answers again, so it may need it.`,
      );
    }
  }
  return lines;
}

function stepLines(step: StepCalls): string[] {
  const groups = new Map<string, StepCall[]>();
  const alternatives = new Map<string, StepCall[]>();
  for (const call of step.calls) {
    if (call.anyOf !== undefined) {
      alternatives.set(call.anyOf, [...(alternatives.get(call.anyOf) ?? []), call]);
      continue;
    }
    const key = `${call.critical ? "critical" : "advisory"}\u0000${call.region}`;
    groups.set(key, [...(groups.get(key) ?? []), call]);
  }
  return [
    `    ${step.step} (runs in ${step.runsIn})`,
    ...[...groups.entries()].map(([key, group]) => {
      const [kind = "", region = ""] = key.split("\u0000");
      const actions = [...new Set(group.map((call) => call.action))].join(", ");
      // Advisory calls are rare and each deserves its reason; critical ones are the rule.
      const notes = kind === "advisory" ? group.flatMap((call) => (call.note ? [call.note] : [])) : [];
      return `      ${kind.padEnd(8)}  ${region.padEnd(14)}  ${actions}${notes.length > 0 ? `: ${notes.join("; ")}` : ""}`;
    }),
    ...[...alternatives.values()].map((group) => {
      const actions = [...new Set(group.map((call) => call.action))].join(", ");
      const regions = group.map((call) => call.region).join(", ");
      return `      ${(group.some((call) => call.critical) ? "critical" : "advisory").padEnd(8)}  any one of ${regions}, tried in turn: ${actions}`;
    }),
    ...step.dataPlane.map((dependency) => `      data plane  ${dependency}`),
  ];
}

/** "Switch traffic: route53:ListResourceRecordSets, ... in us-east-1: depends on us-east-1's Route 53 API" */
function groupDependencies(explained: WorkflowExplanation): string[] {
  const grouped = new Map<string, { step: string; region: string; dependsOn: string; actions: string[] }>();
  for (const dependency of explained.dependencies) {
    const key = [dependency.step, dependency.call.region, dependency.dependsOn].join("\u0000");
    const entry = grouped.get(key) ?? {
      step: dependency.step,
      region: dependency.call.region,
      dependsOn: dependency.dependsOn,
      actions: [],
    };
    if (!entry.actions.includes(dependency.call.action)) entry.actions.push(dependency.call.action);
    grouped.set(key, entry);
  }
  return [...grouped.values()].map(
    (entry) => `${entry.step}: ${entry.actions.join(", ")} in ${entry.region}: ${entry.dependsOn}`,
  );
}
