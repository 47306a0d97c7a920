import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeDrillReports } from "../../cli/drill-reports.js";
import { runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario } from "../../sandbox/drill/scenarios.js";
import { testPlan } from "../support/plan-fixtures.js";

const plan = testPlan();

async function reportsOf(language: "en" | "ja") {
  const scenario = findScenario("region-outage");
  if (!scenario) throw new Error("scenario missing");
  const directory = await mkdtemp(join(tmpdir(), "kirikae-report-"));
  const files: string[] = [];
  await runDrill({
    plan,
    scenario,
    failback: true,
    afterwards: writeDrillReports(directory, plan, language, files),
  });
  return Promise.all(files.map((file) => readFile(file, "utf8")));
}

describe("incident report from the audit trail", () => {
  it("fills the runbook template for a failover: summary, objectives, timeline, phases as a gantt, cause left to a person", async () => {
    const [failover] = await reportsOf("en");

    expect(failover).toMatch(/^# Incident report: shop failover/);
    expect(failover).toContain("- **Level**: Level 4 (complete failure: region down)");
    expect(failover).toMatch(/- \*\*Duration\*\*: 4 min \d+ s/);
    expect(failover).toMatch(/\| RTO \| 15 min 0 s \| 4 min \d+ s \| met \|/);
    expect(failover).toMatch(/- \d\d:\d\d - rds:FailoverGlobalCluster shop-global \[[0-9a-f-]{36}\]/);
    expect(failover).toContain("```mermaid\ngantt");
    for (const phase of [
      "Detection (hold)",
      "Pre-checks",
      "Database promotion",
      "Nodegroup scale-up",
      "Traffic switch",
    ]) {
      expect(failover).toMatch(
        new RegExp(`    ${phase.replace(/[()]/g, "\\$&")} :p\\d+, 2026-01-01T\\d\\d:\\d\\d:\\d\\d, \\d+s`),
      );
    }
    expect(failover).toContain("### Root cause\n_(to be filled in by a person)_");
  });

  it("names the failback's initiator from CloudTrail and writes the report in Japanese on request", async () => {
    const [, failback] = await reportsOf("ja");

    expect(failback).toMatch(/^# インシデントレポート: shop failback/);
    expect(failback).toContain("- **障害レベル**: 計画作業 (フェイルバック)");
    expect(failback).toContain("- **実行者**: arn:aws:iam::111122223333:user/oncall-engineer (CloudTrail)");
    expect(failback).toContain("切替元の縮退");
    expect(failback).toContain("### 根本原因");
  });
});
