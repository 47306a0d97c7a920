import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Command, Option } from "commander";
import { incidentReportMarkdown } from "../../core/audit/incident-report.js";
import { renderIncidentReportHtml } from "../../core/audit/incident-report-html.js";
import { incidentReportModel } from "../../core/audit/incident-report-model.js";
import type { ReportLanguage } from "../../core/audit/report-text.js";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import { regionTimeZone } from "../../core/report/region-time-zones.js";
import { awsOf, type CliIo, clockOf } from "../cli-io.js";
import { type PlanFileOptions, planFileOf, withPlanFileOption } from "../plan-file-option.js";
import { resolveStage, type StageOptions, withStageOptions } from "../stage-target.js";
import { checkedZone } from "../time-zone-option.js";
import { CliUsageError } from "../usage-error.js";

interface ReportOptions extends StageOptions, PlanFileOptions {
  lang: ReportLanguage;
  tz?: string;
  reporter?: string;
  out?: string;
}

/** `kirikae report EXECUTION`: the incident report of one execution, from its audit records alone. */
export function reportCommand(io: CliIo): Command {
  return withStageOptions(
    withPlanFileOption(
      new Command("report")
        .description(
          "write the incident report of an execution (Markdown; with --out also a self-contained HTML page)",
        )
        .argument("<execution>", "the execution ARN (from `kirikae status`, `audit query`, or the console)"),
      "the plan file, for its objectives, alarms and home region",
    )
      .addOption(
        new Option("--lang <language>", "language of the report").choices(["en", "ja"]).default("en"),
      )
      .option(
        "--tz <zone>",
        "IANA time zone for every time shown (default: the plan's home region's, e.g. Asia/Tokyo for ap-northeast-1)",
      )
      .option("--reporter <name>", "who hands the report on (報告者); left for a person to fill in otherwise")
      .option("--out <dir>", "write EXECUTION.LANG.md and .html into DIR instead of printing the Markdown"),
  ).action(async (execution: string, options: ReportOptions) => {
    const plan = await loadPlanFile(planFileOf(io, options));
    // A wrong zone is a usage error: said before any AWS call is made.
    const timeZone = checkedZone(options.tz ?? regionTimeZone(plan.activeRegion));
    // Each region's control plane keeps the trail of what it ran: ask the region the execution ran in.
    const executionRegion = execution.split(":")[3];
    const target = await resolveStage(
      { ...options, ...(options.region || !executionRegion ? {} : { region: executionRegion }) },
      awsOf(io),
    );
    const records = await target.audit.query({ executionId: execution });
    if (records.length === 0) {
      throw new CliUsageError(
        `the audit trail of stage ${target.stage} in ${target.region} has no records of ${execution}`,
        "check the execution ARN and --stage/--region (`kirikae audit query --plan NAME` lists executions)",
      );
    }
    const report = incidentReportModel(plan, records, {
      language: options.lang,
      timeZone,
      createdAt: clockOf(io).now().toISOString(),
      ...(options.reporter ? { reporter: options.reporter } : {}),
    });
    if (!options.out) {
      io.out(incidentReportMarkdown(report));
      return;
    }
    await mkdir(options.out, { recursive: true });
    const base = join(options.out, `${execution.split(":").pop()}.${options.lang}`);
    await writeFile(`${base}.md`, incidentReportMarkdown(report));
    await writeFile(`${base}.html`, renderIncidentReportHtml(report));
    io.out(`wrote ${base}.md and ${base}.html\n`);
  });
}
