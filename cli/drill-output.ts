import type { DrillResult } from "../sandbox/drill/run-drill.js";
import type { StepEvent } from "../sandbox/local-workflow-runner.js";

export type Write = (text: string) => void;

/** "+02:07.4": modelled time since the drill began. */
export function clockStamp(elapsedSeconds: number): string {
  const minutes = Math.floor(elapsedSeconds / 60);
  const seconds = elapsedSeconds - minutes * 60;
  return `+${String(minutes).padStart(2, "0")}:${seconds.toFixed(1).padStart(4, "0")}`;
}

export function duration(seconds: number | null): string {
  if (seconds === null) return "n/a";
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

/**
 * Live progress, a line per step: when it starts, when it is done (polling steps only once their poll
 * says done), and each failure the workflow will retry or escalate.
 */
export function progressPrinter(write: Write): (event: StepEvent, elapsedSeconds: number) => void {
  const started = new Map<string, number>();
  return (event, elapsedSeconds) => {
    const stamp = clockStamp(elapsedSeconds);
    if (event.phase === "started" && !started.has(`${event.execution}/${event.state}`)) {
      started.set(`${event.execution}/${event.state}`, elapsedSeconds);
      write(`  ${stamp}  ▸ ${event.state}\n`);
      return;
    }
    if (event.phase === "failed") {
      write(`  ${stamp}  ! ${event.state}: ${event.error ?? "failed"}\n`);
      return;
    }
    if (event.phase === "succeeded") {
      const result = event.result as { status?: unknown; ok?: unknown; mode?: unknown } | null;
      if (result?.status === "pending") return;
      const took = elapsedSeconds - (started.get(`${event.execution}/${event.state}`) ?? elapsedSeconds);
      const mark = result?.ok === false ? "✗" : "✓";
      const note = typeof result?.mode === "string" ? ` (${result.mode})` : "";
      write(`  ${stamp}  ${mark} ${event.state}${note}  ${duration(took)}\n`);
    }
  };
}

export function notePrinter(write: Write): (text: string, elapsedSeconds: number) => void {
  return (text, elapsedSeconds) => write(`  ${clockStamp(elapsedSeconds)}  · ${text}\n`);
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
        `  RTO ${duration(workflow.rtoSeconds)} (objective ${duration(result.objectives.rtoSeconds)}${workflow.rtoSeconds === null ? "" : rtoMet ? ", met" : ", MISSED"})` +
        `  RPO ${duration(workflow.rpoSeconds)} (objective ${duration(result.objectives.rpoSeconds)}${workflow.rpoSeconds === null ? "" : rpoMet ? ", met" : ", MISSED"})`,
    );
    if (workflow.reason) lines.push(`    reason: ${workflow.reason}`);
  }
  lines.push("", "Final estate");
  lines.push(`  database writer: ${result.final.writerRegion}    traffic: ${result.final.trafficRegion}`);
  for (const [nodegroup, size] of Object.entries(result.final.nodegroups))
    lines.push(`  ${nodegroup}: ${size} nodes`);
  lines.push(
    "",
    "Traffic, as DNS answered each modelled second",
    `  ${result.traffic.nonWriterSeconds} s sent to a region whose database was not the writer; ` +
      `${result.traffic.noWriterSeconds} s with no writer at all (promotion under way); ` +
      `${result.traffic.unservedSeconds} s sent to a region that could not serve (down, or failing its health check)`,
    ...Object.entries(result.traffic.records).map(([name, region]) => `  ${name} → ${region}`),
  );
  lines.push("", "Safety invariants");
  for (const [name, held] of Object.entries(result.invariants)) lines.push(`  ${held ? "✓" : "✗"} ${name}`);
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
