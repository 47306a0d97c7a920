import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DrillReportOptions, writeDrillReports } from "../../cli/drill-reports.js";
import type { ReportLanguage } from "../../core/audit/report-text.js";
import type { Plan } from "../../core/plan/schema.js";
import type { AuditRecord } from "../../core/ports/audit.js";
import type { DataLossAnswerPolicy } from "../../sandbox/drill/data-loss-answers.js";
import { type DrillOptions, type DrillResult, runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario } from "../../sandbox/drill/scenarios.js";
import { testPlan } from "./plan-fixtures.js";

export interface DrilledReport {
  /** The execution's name, e.g. shop-failover-20260101T000130-c5df546f: the plan, the alarm's state-change time, and a hash of the alarm. */
  name: string;
  markdownFile: string;
  htmlFile: string;
  markdown: string;
  html: string;
}

export interface DrillReportsOptions extends DrillReportOptions {
  /** The plan drilled; the test plan by default. */
  plan?: Plan;
  /** Whether the drill fails back by hand after a successful failover (default true). */
  failback?: boolean;
  dataLossAnswer?: DataLossAnswerPolicy;
}

/** Drills a scenario with `--report` into a fresh temp directory and reads back each workflow's pair. */
export async function drillReports(
  scenarioName: string,
  language: ReportLanguage,
  options: DrillReportsOptions = {},
): Promise<{ directory: string; reports: DrilledReport[]; result: DrillResult }> {
  const scenario = findScenario(scenarioName);
  if (!scenario) throw new Error(`no scenario ${scenarioName}`);
  const plan = options.plan ?? testPlan();
  const directory = await mkdtemp(join(tmpdir(), "kirikae-report-"));
  const files: string[] = [];
  const result = await runDrill({
    plan,
    scenario,
    failback: options.failback ?? true,
    ...(options.dataLossAnswer ? { dataLossAnswer: options.dataLossAnswer } : {}),
    afterwards: writeDrillReports(
      directory,
      plan,
      language,
      files,
      options.timeZone ? { timeZone: options.timeZone } : {},
    ),
  });
  const markdownFiles = files.filter((file) => file.endsWith(".md"));
  const reports = await Promise.all(
    markdownFiles.map(async (markdownFile) => {
      const htmlFile = markdownFile.replace(/\.md$/, ".html");
      const name = markdownFile.slice(directory.length + 1).replace(`.${language}.md`, "");
      return {
        name,
        markdownFile,
        htmlFile,
        markdown: await readFile(markdownFile, "utf8"),
        html: await readFile(htmlFile, "utf8"),
      };
    }),
  );
  return { directory, reports, result };
}

const MERMAID_OUTCOMES: Record<string, string> = {
  "crit, ": "failed",
  "active, ": "running",
  "done, ": "estimated",
};

/** The gantt's phases as the Markdown's Mermaid block lists them: label and outcome, in order. */
export function mermaidPhases(markdown: string): Array<{ label: string; outcome: string }> {
  return [...markdown.matchAll(/^ {4}(.+) :(crit, |active, |done, )?p\d+, \d{4}-/gm)].map((match) => ({
    label: match[1] ?? "",
    outcome: MERMAID_OUTCOMES[match[2] ?? ""] ?? "ok",
  }));
}

export interface DrilledRun {
  /** The execution's name, as `report` files are named. */
  name: string;
  records: AuditRecord[];
}

/**
 * Drills a scenario and hands back each execution's audit records, as `kirikae report` reads them, so a
 * test builds the report in both languages from one drill. `createdAt` is the drill's clock at the end.
 */
export async function drillRuns(
  scenarioName: string,
  options: Omit<DrillReportsOptions, "timeZone"> & { onStep?: DrillOptions["onStep"] } = {},
): Promise<{ plan: Plan; runs: DrilledRun[]; createdAt: string; result: DrillResult }> {
  const scenario = findScenario(scenarioName);
  if (!scenario) throw new Error(`no scenario ${scenarioName}`);
  const plan = options.plan ?? testPlan();
  const runs: DrilledRun[] = [];
  let createdAt = "";
  const result = await runDrill({
    plan,
    scenario,
    failback: options.failback ?? true,
    ...(options.dataLossAnswer ? { dataLossAnswer: options.dataLossAnswer } : {}),
    ...(options.onStep ? { onStep: options.onStep } : {}),
    afterwards: async ({ built, controlPlane }) => {
      const chain = await controlPlane.audit.chain(plan.name);
      createdAt = built.estate.clock.now().toISOString();
      for (const execution of built.models.sfn.all()) {
        runs.push({
          name: execution.name,
          records: chain.filter((record) => record.executionId === execution.executionArn),
        });
      }
    },
  });
  return { plan, runs, createdAt, result };
}

/**
 * The test plan with its trigger alarm created by kirikae (on the Tokyo health check, 2 periods of a
 * minute): the report can then estimate the outage's start, 2 minutes before the alarm's state change.
 */
export function planWithCreatedAlarm(
  change: NonNullable<Parameters<typeof testPlan>[0]> = () => undefined,
): Plan {
  return testPlan((input) => {
    change(input);
    input.triggers.alarms = [
      {
        name: "shop-tokyo-health",
        region: "us-east-1",
        create: {
          kind: "health-check",
          healthCheckId: "11111111-1111-4111-8111-111111111111",
          evaluationPeriods: 1,
        },
      },
    ];
  });
}
