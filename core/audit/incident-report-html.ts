import type { Plan } from "../plan/schema.js";
import type { AuditRecord } from "../ports/audit.js";
import { escapeHtml } from "./escape-html.js";
import { ganttSvg } from "./gantt-svg.js";
import { type IncidentReportModel, incidentReportModel } from "./incident-report-model.js";
import type { ReportLanguage } from "./report-text.js";

/** The incident report as one self-contained HTML page: the Markdown report's content, the gantt drawn. */
export function incidentReportHtml(
  plan: Plan,
  records: readonly AuditRecord[],
  language: ReportLanguage = "en",
): string {
  return renderIncidentReportHtml(incidentReportModel(plan, records, language));
}

/**
 * Laid out in the Markdown report's order. The page loads nothing: inline CSS, inline SVG, and a
 * Content-Security-Policy that forbids any fetch, so it reads the same offline, attached to a ticket,
 * or years later.
 */
export function renderIncidentReportHtml(report: IncidentReportModel): string {
  const { text } = report;
  const e = escapeHtml;
  const title = `${text.title}: ${report.subject}`;
  const chart = ganttSvg({
    title: report.subject,
    bars: report.phases.map((phase) => ({
      key: phase.name,
      label: phase.label,
      start: phase.start,
      end: phase.end,
      outcome: phase.outcome,
      duration: text.formatDuration(phase.seconds),
    })),
    axisLabel: text.timeAxis,
    legend: text.phaseOutcomes,
  });
  return [
    "<!doctype html>",
    `<html lang="${report.language}">`,
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    "<main>",
    `<h1>${e(title)}</h1>`,
    `<section id="summary"><h2>${e(text.summary)}</h2><dl>`,
    ...report.summary.map((item) => `<dt>${e(item.label)}</dt><dd>${e(item.value)}</dd>`),
    "</dl></section>",
    `<section id="objectives"><h2>${e(text.objectives)}</h2>`,
    `<table><thead><tr><th></th><th>${e(text.objective)}</th><th>${e(text.achieved)}</th><th></th></tr></thead><tbody>`,
    ...report.objectives.map(
      (row) =>
        `<tr><th scope="row">${row.name}</th><td>${e(row.objective)}</td><td>${e(row.achieved)}</td>` +
        `<td class="verdict-${row.met === undefined ? "none" : row.met ? "met" : "missed"}">${e(row.verdict)}</td></tr>`,
    ),
    "</tbody></table></section>",
    `<section id="timeline"><h2>${e(text.timeline)}</h2><ol>`,
    ...report.timeline.map(
      (entry) => `<li><time datetime="${e(entry.at)}">${e(entry.clock)}</time> ${e(entry.text)}</li>`,
    ),
    "</ol></section>",
    `<section id="phases"><h2>${e(text.phases)}</h2>`,
    chart === "" ? `<p>${e(text.noPhases)}</p>` : `<figure>${chart}</figure>`,
    "</section>",
    `<section id="cause"><h2>${e(text.cause)}</h2>`,
    ...[text.directCause, text.rootCause, text.contributing].map(
      (heading) => `<h3>${e(heading)}</h3><p class="to-fill">${e(text.toFillIn)}</p>`,
    ),
    "</section>",
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

const STYLE = [
  "body{margin:0;background:#f7fafc;color:#1a202c;font:15px/1.5 system-ui,sans-serif}",
  "main{max-width:1000px;margin:0 auto;padding:24px;background:#fff}",
  "h1{font-size:24px;margin:0 0 16px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #e2e8f0}",
  "h3{font-size:15px;margin:16px 0 4px}",
  "dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dt{font-weight:600}dd{margin:0}",
  "table{border-collapse:collapse}th,td{border:1px solid #e2e8f0;padding:4px 12px;text-align:left}",
  ".verdict-met{color:#2f855a;font-weight:600}.verdict-missed{color:#c53030;font-weight:600}",
  "ol{padding-left:20px;margin:0}li{margin:2px 0;overflow-wrap:anywhere}time{font-variant-numeric:tabular-nums;margin-right:8px;color:#4a5568}",
  "figure{margin:0;overflow-x:auto}svg.gantt{display:block;max-width:100%;height:auto}",
  ".to-fill{color:#718096;font-style:italic}",
].join("\n");
