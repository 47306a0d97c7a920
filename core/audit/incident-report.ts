import type { Plan } from "../plan/schema.js";
import type { AuditRecord } from "../ports/audit.js";
import { type IncidentReportModel, incidentReportModel } from "./incident-report-model.js";
import type { ReportLanguage } from "./report-text.js";

/**
 * An incident report in the runbooks' template (occurred, recovered, duration, level, impact, timeline,
 * cause for a person to fill in, objectives, gantt of the phases) as Markdown, written from one
 * execution's audit records alone, so the report says nothing the trail cannot show.
 */
export function incidentReport(
  plan: Plan,
  records: readonly AuditRecord[],
  language: ReportLanguage = "en",
): string {
  return incidentReportMarkdown(incidentReportModel(plan, records, language));
}

export function incidentReportMarkdown(report: IncidentReportModel): string {
  const { text } = report;
  const lines = [
    `# ${text.title}: ${report.subject}`,
    "",
    `## ${text.summary}`,
    ...report.summary.map((item) => `- **${item.label}**: ${item.value}`),
    "",
    `## ${text.objectives}`,
    `| | ${text.objective} | ${text.achieved} | |`,
    "| --- | --- | --- | --- |",
    ...report.objectives.map(
      (row) => `| ${row.name} | ${row.objective} | ${row.achieved} | ${row.verdict} |`,
    ),
    "",
    `## ${text.timeline}`,
    ...report.timeline.map((entry) => `- ${entry.clock} - ${entry.text}`),
    "",
    `## ${text.phases}`,
    "```mermaid",
    "gantt",
    `    title ${report.subject}`,
    "    dateFormat YYYY-MM-DDTHH:mm:ss",
    "    axisFormat %H:%M",
    // Mermaid's own tags colour a phase the run stopped in (crit) and one still going (active).
    ...report.phases.map(
      (phase, index) =>
        `    ${phase.label} :${MERMAID_TAGS[phase.outcome]}p${index}, ${phase.start.slice(0, 19)}, ${Math.max(1, Math.round(phase.seconds))}s`,
    ),
    "```",
    "",
    `## ${text.cause}`,
    `### ${text.directCause}`,
    `_${text.toFillIn}_`,
    `### ${text.rootCause}`,
    `_${text.toFillIn}_`,
    `### ${text.contributing}`,
    `_${text.toFillIn}_`,
    "",
  ];
  return lines.join("\n");
}

const MERMAID_TAGS = { ok: "", failed: "crit, ", running: "active, " } as const;
