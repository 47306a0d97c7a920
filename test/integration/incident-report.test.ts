import { describe, expect, it } from "vitest";
import { drillReports } from "../support/drill-reports.js";

async function reportsOf(language: "en" | "ja", scenarioName = "region-outage") {
  const { reports } = await drillReports(scenarioName, language);
  return reports.map((report) => report.markdown);
}

describe("incident report from the audit trail", () => {
  it("fills the runbook template for a failover: summary, objectives, timeline, phases as a gantt, cause left to a person", async () => {
    const [failover] = await reportsOf("en");

    expect(failover).toMatch(/^# Incident report: shop failover/);
    expect(failover).toContain("- **Level**: Level 4 (complete failure: region down)");
    expect(failover).toMatch(/- \*\*Duration\*\*: 5 min \d+ s/);
    expect(failover).toMatch(/\| RTO \| 15 min 0 s \| 5 min \d+ s \| met \|/);
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
    expect(failover).toContain(
      "- **Impact**: traffic for app.example.com moved from ap-northeast-1 to ap-southeast-1",
    );
  });

  it("does not claim traffic moved when the run stopped before recovery", async () => {
    const [escalated] = await reportsOf("en", "stuck-promotion");

    expect(escalated).toContain("- **Recovered at**: not recovered");
    expect(escalated).toContain("traffic for app.example.com was not moved to ap-southeast-1 by this run");
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
