import { incidentReportMarkdown } from "../audit/incident-report.js";
import { incidentReportModel } from "../audit/incident-report-model.js";
import type { Clock } from "../clock.js";
import type { Plan } from "../plan/schema.js";
import type { AuditReaderPort } from "../ports/audit.js";
import type { ReportStorePort } from "../ports/reports.js";
import { executionNameOf } from "../workflow/accept-request.js";
import type { ReportLanguage } from "./language.js";

/** Where a run's reports go: one object per language, named after the execution. */
export const REPORT_PREFIX = "kirikae/reports/";
const LANGUAGES: readonly ReportLanguage[] = ["en", "ja"];

export interface RunReportDeps {
  reader: AuditReaderPort;
  store: ReportStorePort;
  clock: Clock;
}

/**
 * The run's incident report, written at its end so the commander has it without asking: the same
 * builder `kirikae report` uses, from the run's own records (the plan's chain, this execution's part),
 * in English and Japanese, into the Object Lock bucket. Returns where each one is.
 */
export async function writeRunReport(
  deps: RunReportDeps,
  plan: Plan,
  executionId: string,
): Promise<string[]> {
  const records = (await deps.reader.chain(plan.name)).filter((record) => record.executionId === executionId);
  const createdAt = deps.clock.now().toISOString();
  const locations: string[] = [];
  for (const language of LANGUAGES) {
    const report = incidentReportModel(plan, records, { language, createdAt });
    const key = `${REPORT_PREFIX}${plan.name}/${executionNameOf(executionId)}.${language}.md`;
    const written = await deps.store.put(key, incidentReportMarkdown(report), "text/markdown; charset=utf-8");
    locations.push(written.location);
  }
  return locations;
}

/** A line for the run's notification: where the reports are, or why they are not there and what to do. */
export async function reportLine(
  write: () => Promise<string[]>,
  plan: string,
  executionId: string,
): Promise<string> {
  try {
    const locations = await write();
    return ` Incident report: ${locations.join(", ")}.`;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return ` The incident report could not be written (${why}); write it with \`npx kirikae report ${executionId} --plan-file <${plan}'s plan file>\`.`;
  }
}
