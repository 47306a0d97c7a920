import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeDrillReports } from "../../cli/drill-reports.js";
import type { ReportLanguage } from "../../core/audit/report-text.js";
import { runDrill } from "../../sandbox/drill/run-drill.js";
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

/** Drills a scenario with `--report` into a fresh temp directory and reads back each workflow's pair. */
export async function drillReports(
  scenarioName: string,
  language: ReportLanguage,
): Promise<{ directory: string; reports: DrilledReport[] }> {
  const scenario = findScenario(scenarioName);
  if (!scenario) throw new Error(`no scenario ${scenarioName}`);
  const plan = testPlan();
  const directory = await mkdtemp(join(tmpdir(), "kirikae-report-"));
  const files: string[] = [];
  await runDrill({
    plan,
    scenario,
    failback: true,
    afterwards: writeDrillReports(directory, plan, language, files),
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
  return { directory, reports };
}

/** The gantt's phases as the Markdown's Mermaid block lists them: label and outcome, in order. */
export function mermaidPhases(markdown: string): Array<{ label: string; outcome: string }> {
  return [...markdown.matchAll(/^ {4}(.+) :(crit, |active, )?p\d+, \d{4}-/gm)].map((match) => ({
    label: match[1] ?? "",
    outcome: match[2] === "crit, " ? "failed" : match[2] === "active, " ? "running" : "ok",
  }));
}
