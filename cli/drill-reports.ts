import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { incidentReportMarkdown } from "../core/audit/incident-report.js";
import { renderIncidentReportHtml } from "../core/audit/incident-report-html.js";
import { incidentReportModel } from "../core/audit/incident-report-model.js";
import type { ReportLanguage } from "../core/audit/report-text.js";
import type { Plan } from "../core/plan/schema.js";
import type { BuiltEstate } from "../sandbox/build-estate.js";
import type { SandboxControlPlane } from "../sandbox/sandbox-control-plane.js";

export interface DrillReportOptions {
  /** An IANA zone; the plan's home region's local time when absent. */
  timeZone?: string;
}

/**
 * Writes the incident report of each workflow the drill ran, from that execution's audit records: a
 * Markdown file and, beside it, a self-contained HTML page with the phases drawn as a gantt chart. Both
 * render one model, so they cannot disagree. The report is dated by the drill's own (modelled) clock.
 */
export function writeDrillReports(
  directory: string,
  plan: Plan,
  language: ReportLanguage,
  written: string[],
  options: DrillReportOptions = {},
) {
  return async ({ built, controlPlane }: { built: BuiltEstate; controlPlane: SandboxControlPlane }) => {
    await mkdir(directory, { recursive: true });
    const chain = await controlPlane.audit.chain(plan.name);
    for (const execution of built.models.sfn.all()) {
      const records = chain.filter((record) => record.executionId === execution.executionArn);
      const report = incidentReportModel(plan, records, {
        language,
        createdAt: built.estate.clock.now().toISOString(),
        ...(options.timeZone ? { timeZone: options.timeZone } : {}),
      });
      const base = join(directory, `${execution.name}.${language}`);
      await writeFile(`${base}.md`, incidentReportMarkdown(report));
      await writeFile(`${base}.html`, renderIncidentReportHtml(report));
      written.push(`${base}.md`, `${base}.html`);
    }
  };
}
