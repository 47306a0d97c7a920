import type { Plan } from "../plan/schema.js";
import type { AuditRecord } from "../ports/audit.js";
import {
  type ChartOutcome,
  type IncidentReportModel,
  incidentReportModel,
  type ReportField,
  type ReportOptions,
} from "./incident-report-model.js";

/**
 * An incident report in the seed runbooks' 障害報告書 form (occurred, detected, recovered, impact, the
 * response in sentences, cause, interim and permanent measures, reporter and responders, date) with the
 * objectives and a gantt of the phases, as Markdown, from one execution's audit records alone.
 */
export function incidentReport(
  plan: Plan,
  records: readonly AuditRecord[],
  options: ReportOptions = {},
): string {
  return incidentReportMarkdown(incidentReportModel(plan, records, options));
}

export function incidentReportMarkdown(report: IncidentReportModel): string {
  const { text } = report;
  const { sections } = text;
  const fillIn = `_${text.toFillIn}_`;
  const lines = [
    `# ${text.title}: ${report.subject}`,
    "",
    ...fields(report.header),
    "",
    `## ${sections.summary}`,
    ...fields(report.summary),
    "",
    `## ${sections.times}`,
    ...fields(report.times),
    ...report.timeNotes.flatMap((note) => ["", `> ${oneLine(note)}`]),
    "",
    `## ${sections.impact}`,
    ...report.impact.map((sentence) => `- ${oneLine(sentence)}`),
    "",
    `## ${sections.timeline}`,
    ...(report.timeline.length === 0
      ? [text.noTimeline]
      : [
          `| ${text.timelineTime} | ${text.timelineWhat} | ${text.timelineEvidence} |`,
          "| --- | --- | --- |",
          ...report.timeline.map(
            (entry) =>
              `| ${entry.clock} | ${cell(entry.text)} | ${entry.evidence.map((item) => cell(item)).join("<br>")} |`,
          ),
        ]),
    "",
    `## ${sections.cause}`,
    `### ${text.directCause}`,
    ...(report.directCause.length > 0
      ? [`${text.recordsShow}:`, ...report.directCause.map((sentence) => `- ${oneLine(sentence)}`), ""]
      : []),
    fillIn,
    `### ${text.rootCause}`,
    fillIn,
    `### ${text.contributing}`,
    fillIn,
    "",
    `## ${sections.interim}`,
    `### ${text.interimDone}`,
    ...report.interim.done.map((sentence) => `- ${oneLine(sentence)}`),
    `### ${text.interimNext}`,
    ...report.interim.next.map((sentence) => `- ${oneLine(sentence)}`),
    "",
    `## ${sections.permanent}`,
    fillIn,
    "",
    `## ${sections.objectives}`,
    `| | ${text.objective} | ${text.achieved} | ${text.verdict} |`,
    "| --- | --- | --- | --- |",
    ...report.objectives.map(
      (row) => `| ${row.name} | ${row.objective} | ${cell(row.achieved)} | ${row.verdict} |`,
    ),
    "",
    `## ${sections.phases}`,
    ...(report.phases.length === 0
      ? [text.noPhases]
      : [
          "```mermaid",
          "gantt",
          `    title ${mermaidText(report.subject)}`,
          "    dateFormat YYYY-MM-DDTHH:mm:ss",
          "    axisFormat %H:%M",
          // Mermaid's own tags: a phase the run stopped in (crit), one still going (active), an estimate (done).
          ...report.phases.map(
            (phase, index) =>
              `    ${mermaidText(phase.label)} :${MERMAID_TAGS[phase.outcome]}p${index}, ${phase.wallStart}, ${Math.max(1, Math.round(phase.seconds))}s`,
          ),
          "```",
          "",
          `_${report.axisLabel}_`,
        ]),
    "",
  ];
  return lines.join("\n");
}

const MERMAID_TAGS: Record<ChartOutcome, string> = {
  ok: "",
  failed: "crit, ",
  running: "active, ",
  estimated: "done, ",
};

function fields(items: readonly ReportField[]): string[] {
  return items.map((item) => `- **${item.label}**: ${oneLine(item.value)}`);
}

/** Recorded reasons may hold line breaks; a Markdown list item or table row must stay on one line. */
function oneLine(value: string): string {
  return value.replace(/\s*\n\s*/g, " ");
}

function cell(value: string): string {
  return oneLine(value).replace(/\|/g, "\\|");
}

/** Mermaid reads ":" and "#" in a task line as syntax. */
function mermaidText(value: string): string {
  return value.replace(/[:#;]/g, " ");
}
