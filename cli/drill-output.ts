import { formatDuration } from "../core/report/durations.js";
import { type StepMark, stepSpans } from "../core/report/step-spans.js";
import { stepMark } from "../sandbox/drill/describe-workflow.js";
import type { DrillResult, DrillWorkflow } from "../sandbox/drill/run-drill.js";
import { recordAnswers } from "../sandbox/drill/traffic-narration.js";
import type { StepEvent } from "../sandbox/local-workflow-runner.js";

export type Write = (text: string) => void;

/** "+02:07.4": modelled time since the drill began. */
export function clockStamp(elapsedSeconds: number): string {
  const minutes = Math.floor(elapsedSeconds / 60);
  const seconds = elapsedSeconds - minutes * 60;
  return `+${String(minutes).padStart(2, "0")}:${seconds.toFixed(1).padStart(4, "0")}`;
}

/** The reports' wording of a duration, so the terminal and a report say the same time the same way. */
export function duration(seconds: number | null): string {
  return seconds === null ? "n/a" : formatDuration(seconds, "en");
}

/**
 * Live progress, a line per step: when it starts, when it is done (polling steps only once their poll
 * says done), and each failure the workflow will retry or escalate. A step's time is measured by
 * stepSpans, as the drill's JSON and the incident report measure it.
 */
export function progressPrinter(write: Write): (event: StepEvent, elapsedSeconds: number) => void {
  const marks = new Map<string, StepMark[]>();
  return (event, elapsedSeconds) => {
    const stamp = clockStamp(elapsedSeconds);
    const seen = marks.get(event.execution) ?? [];
    const first = !seen.some((mark) => mark.step === event.state);
    seen.push(stepMark(event));
    marks.set(event.execution, seen);
    if (event.phase === "started") {
      if (first) write(`  ${stamp}  ▸ ${event.state}\n`);
      return;
    }
    if (event.phase === "failed") {
      write(`  ${stamp}  ! ${event.state}: ${event.error ?? "failed"}\n`);
      return;
    }
    if (event.phase === "succeeded") {
      const result = event.result as { status?: unknown; ok?: unknown; mode?: unknown } | null;
      if (result?.status === "pending") return;
      const took = stepSpans(seen).find((span) => span.step === event.state)?.seconds ?? 0;
      const mark = result?.ok === false ? "✗" : "✓";
      const note = typeof result?.mode === "string" ? ` (${result.mode})` : "";
      write(`  ${stamp}  ${mark} ${event.state}${note}  ${duration(took)}\n`);
    }
  };
}

export function notePrinter(write: Write): (text: string, elapsedSeconds: number) => void {
  return (text, elapsedSeconds) => write(`  ${clockStamp(elapsedSeconds)}  · ${text}\n`);
}

/**
 * How the user-visible RTO is made up: detection (outage start to the alarm, with the estimate a report
 * would make from the alarm's window beside the exact one), recovery (alarm to DNS answers at the writer
 * region at capacity), the records' TTL; and kirikae's own verified figure, for comparison.
 */
function rtoLines(workflow: DrillWorkflow): string[] {
  if (workflow.recoverySeconds === null) return [];
  const { outage } = workflow;
  const byHand = workflow.kind === "failback";
  const estimate =
    outage.estimatedDetectionSeconds === null || outage.window === null
      ? ""
      : `; estimated from the alarm's window ${outage.window.periodSeconds} s × ${outage.window.evaluationPeriods}: ${duration(outage.estimatedDetectionSeconds)}`;
  return [
    byHand
      ? "    from the request (started by hand, so no detection)"
      : `    detection ${duration(workflow.detectionSeconds)} (outage start to the alarm${estimate})`,
    `    + recovery ${duration(workflow.recoverySeconds)} (${byHand ? "request" : "alarm"} to every DNS answer at the writer region with its capacity Ready)`,
    `    + DNS TTL ${duration(workflow.ttlSeconds)} (resolvers may keep the old answer that long)`,
    `    kirikae verified recovery ${duration(workflow.verifiedRtoSeconds)} after the ${byHand ? "request" : "alarm"}`,
  ];
}

/** The closing summary: per workflow outcome against objectives, the final estate, invariants, audit. */
export function renderSummary(result: DrillResult): string {
  const lines: string[] = ["", "Summary"];
  if (result.workflows.length === 0) {
    lines.push(`  no workflow started${result.expected === "none" ? " (as the scenario expects)" : ""}`);
  }
  for (const [decision, count] of Object.entries(result.detector)) {
    lines.push(`  detector: ${decision}${count > 1 ? ` (${count} events)` : ""}`);
  }
  for (const workflow of result.workflows) {
    const rtoMet = workflow.rtoSeconds !== null && workflow.rtoSeconds <= result.objectives.rtoSeconds;
    const rpoMet = workflow.rpoSeconds !== null && workflow.rpoSeconds <= result.objectives.rpoSeconds;
    lines.push(
      `  ${workflow.kind}: ${workflow.status}${workflow.mode ? ` by ${workflow.mode}` : ""}` +
        `  RTO ${duration(workflow.rtoSeconds)} as users felt it (objective ${duration(result.objectives.rtoSeconds)}${workflow.rtoSeconds === null ? "" : rtoMet ? ", met" : ", MISSED"})` +
        `  RPO ${duration(workflow.rpoSeconds)} (objective ${duration(result.objectives.rpoSeconds)}${workflow.rpoSeconds === null ? "" : rpoMet ? ", met" : ", MISSED"})`,
      ...rtoLines(workflow),
    );
    if (workflow.reason) lines.push(`    reason: ${workflow.reason}`);
  }
  lines.push("", "Final estate");
  lines.push(`  database writer: ${result.final.writerRegion}    traffic: ${result.final.trafficRegion}`);
  lines.push(...nodegroupLines(result.final.nodegroups));
  lines.push(
    "",
    "Traffic, as DNS answered each modelled second",
    `  ${result.traffic.nonWriterSeconds} s sent to a region whose database was not the writer; ` +
      `${result.traffic.noWriterSeconds} s with no writer at all (promotion under way); ` +
      `${result.traffic.unservedSeconds} s sent to a region that could not serve (down, or failing its health check)`,
    ...recordAnswers(Object.entries(result.traffic.records)).map((line) => `  ${line}`),
  );
  lines.push("", "Safety invariants");
  for (const [name, held] of Object.entries(result.invariants)) lines.push(`  ${held ? "✓" : "✗"} ${name}`);
  lines.push(
    "",
    result.accessDenied.length === 0
      ? "IAM: every call kirikae's functions made was allowed by the policy infra gives its role"
      : `IAM refused ${result.accessDenied.length} call${result.accessDenied.length === 1 ? "" : "s"} by kirikae's functions, each a grant infra does not give: add it where the function's capabilities are declared`,
    ...result.accessDenied.map((message) => `  ✗ ${message}`),
  );
  lines.push(
    "",
    `Audit trail: ${result.audit.records} records; ${result.audit.linked} calls linked to their CloudTrail events; ` +
      (result.audit.verified ? "audit verify passed" : "audit verify FAILED"),
    ...result.audit.findings.map((finding) => `  ! ${finding}`),
    ...Object.entries(result.audit.initiators).map(
      ([execution, initiator]) =>
        `  ${execution.split(":").pop()} was started by ${initiator} (from CloudTrail)`,
    ),
    "",
    result.ok
      ? `✓ drill ${result.scenario}: ended as expected (${result.expected})`
      : `✗ drill ${result.scenario}: expected ${result.expected}; see above for what differed`,
    "",
  );
  return lines.join("\n");
}

/** Past this many nodegroups the final estate counts them per cluster instead of listing each. */
const NODEGROUPS_LISTED_ONE_BY_ONE = 12;

/** "region/cluster/nodegroup: N nodes" each, or per cluster for a large plan: "region/cluster: 29 nodegroups, 87 nodes". */
function nodegroupLines(nodegroups: Readonly<Record<string, number>>): string[] {
  const entries = Object.entries(nodegroups);
  if (entries.length <= NODEGROUPS_LISTED_ONE_BY_ONE)
    return entries.map(([nodegroup, size]) => `  ${nodegroup}: ${size} nodes`);
  const clusters = new Map<string, { nodegroups: number; nodes: number }>();
  for (const [key, size] of entries) {
    const cluster = key.slice(0, key.lastIndexOf("/"));
    const total = clusters.get(cluster) ?? { nodegroups: 0, nodes: 0 };
    clusters.set(cluster, { nodegroups: total.nodegroups + 1, nodes: total.nodes + size });
  }
  return [...clusters].map(
    ([cluster, total]) => `  ${cluster}: ${total.nodegroups} nodegroups, ${total.nodes} nodes`,
  );
}
