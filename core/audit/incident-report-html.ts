import type { Plan } from "../plan/schema.js";
import type { AuditRecord } from "../ports/audit.js";
import { formatDuration } from "../report/durations.js";
import { escapeHtml } from "./escape-html.js";
import { ganttSvg } from "./gantt-svg.js";
import {
  type IncidentReportModel,
  incidentReportModel,
  type ReportField,
  type ReportOptions,
} from "./incident-report-model.js";

/** The incident report as one self-contained HTML page: the Markdown report's content, the gantt drawn. */
export function incidentReportHtml(
  plan: Plan,
  records: readonly AuditRecord[],
  options: ReportOptions = {},
): string {
  return renderIncidentReportHtml(incidentReportModel(plan, records, options));
}

/**
 * Laid out in the Markdown report's order. The page loads nothing: inline CSS, inline SVG, and a
 * Content-Security-Policy that forbids any fetch, so it reads the same offline, attached to a ticket,
 * or years later. The time zone every time is in stands under the title and on the chart's axis.
 */
export function renderIncidentReportHtml(report: IncidentReportModel): string {
  const { text } = report;
  const { sections } = text;
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
      duration: formatDuration(phase.seconds, report.language),
    })),
    axisLabel: report.axisLabel,
    zone: report.timeZone.zone,
    wallMs: report.wallMs,
    legend: text.phaseOutcomes,
  });
  const fillIn = `<p class="to-fill">${e(text.toFillIn)}</p>`;
  const items = (sentences: readonly string[]) =>
    `<ul>${sentences.map((sentence) => `<li>${e(sentence)}</li>`).join("")}</ul>`;
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
    `<section id="header">${fieldList(report.header)}</section>`,
    `<section id="summary"><h2>${e(sections.summary)}</h2>${fieldList(report.summary)}</section>`,
    `<section id="times"><h2>${e(sections.times)}</h2>${fieldList(report.times)}`,
    ...report.timeNotes.map((note) => `<p class="note">${e(note)}</p>`),
    "</section>",
    `<section id="impact"><h2>${e(sections.impact)}</h2>${items(report.impact)}</section>`,
    `<section id="timeline"><h2>${e(sections.timeline)}</h2>`,
    report.timeline.length === 0
      ? `<p>${e(text.noTimeline)}</p>`
      : [
          `<table class="timeline"><thead><tr><th>${e(text.timelineTime)}</th><th>${e(text.timelineWhat)}</th><th>${e(text.timelineEvidence)}</th></tr></thead><tbody>`,
          ...report.timeline.map(
            (entry) =>
              `<tr><td><time datetime="${e(entry.at)}">${e(entry.clock)}</time></td><td>${e(entry.text)}</td>` +
              `<td class="evidence">${entry.evidence.map((item) => `<code>${e(item)}</code>`).join("<br>")}</td></tr>`,
          ),
          "</tbody></table>",
        ].join("\n"),
    "</section>",
    `<section id="cause"><h2>${e(sections.cause)}</h2>`,
    `<h3>${e(text.directCause)}</h3>`,
    report.directCause.length > 0 ? `<p>${e(text.recordsShow)}:</p>${items(report.directCause)}` : "",
    fillIn,
    `<h3>${e(text.rootCause)}</h3>${fillIn}`,
    `<h3>${e(text.contributing)}</h3>${fillIn}`,
    "</section>",
    `<section id="interim"><h2>${e(sections.interim)}</h2>`,
    `<h3>${e(text.interimDone)}</h3>${items(report.interim.done)}`,
    `<h3>${e(text.interimNext)}</h3>${items(report.interim.next)}`,
    "</section>",
    `<section id="permanent"><h2>${e(sections.permanent)}</h2>${fillIn}</section>`,
    `<section id="objectives"><h2>${e(sections.objectives)}</h2>`,
    `<table><thead><tr><th></th><th>${e(text.objective)}</th><th>${e(text.achieved)}</th><th>${e(text.verdict)}</th></tr></thead><tbody>`,
    ...report.objectives.map(
      (row) =>
        `<tr><th scope="row">${e(row.name)}</th><td>${e(row.objective)}</td><td>${e(row.achieved)}</td>` +
        `<td class="verdict-${row.met === undefined ? "none" : row.met ? "met" : "missed"}">${e(row.verdict)}</td></tr>`,
    ),
    "</tbody></table></section>",
    `<section id="phases"><h2>${e(sections.phases)}</h2>`,
    chart === "" ? `<p>${e(text.noPhases)}</p>` : `<figure>${chart}</figure>`,
    "</section>",
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function fieldList(fields: readonly ReportField[]): string {
  const e = escapeHtml;
  return `<dl>${fields.map((field) => `<dt>${e(field.label)}</dt><dd>${e(field.value)}</dd>`).join("")}</dl>`;
}

const STYLE = [
  "body{margin:0;background:#f7fafc;color:#1a202c;font:15px/1.5 system-ui,sans-serif}",
  "main{max-width:1000px;margin:0 auto;padding:24px;background:#fff}",
  "h1{font-size:24px;margin:0 0 16px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #e2e8f0}",
  "h3{font-size:15px;margin:16px 0 4px}",
  "dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dt{font-weight:600}dd{margin:0}",
  "table{border-collapse:collapse}th,td{border:1px solid #e2e8f0;padding:4px 12px;text-align:left;vertical-align:top}",
  ".verdict-met{color:#2f855a;font-weight:600}.verdict-missed{color:#c53030;font-weight:600}",
  "ul{padding-left:20px;margin:0}li{margin:2px 0;overflow-wrap:anywhere}",
  "table.timeline td{overflow-wrap:anywhere}time{font-variant-numeric:tabular-nums;white-space:nowrap;color:#4a5568}",
  ".evidence{font-size:12px;color:#4a5568}.evidence code{overflow-wrap:anywhere}",
  ".note{color:#4a5568;border-left:3px solid #e2e8f0;padding-left:12px}",
  "figure{margin:0;overflow-x:auto}svg.gantt{display:block;max-width:100%;height:auto}",
  ".to-fill{color:#718096;font-style:italic}",
].join("\n");
