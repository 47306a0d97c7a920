import { describe, expect, it } from "vitest";
import { drillReports } from "../support/drill-reports.js";

async function reportsOf(language: "en" | "ja", scenarioName = "region-outage") {
  const { reports } = await drillReports(scenarioName, language);
  return reports.map((report) => report.markdown);
}

describe("incident report from the audit trail", () => {
  it("fills the runbook template for a failover: summary, times, impact, timeline in sentences, cause left to a person, objectives, phases as a gantt", async () => {
    const [failover] = await reportsOf("en");

    expect(failover).toMatch(/^# Incident report: shop failover \(ap-northeast-1 → ap-southeast-1\)/);
    expect(failover).toContain("- **Severity**: Level 4: complete failure (impact: critical)");
    expect(failover).toMatch(/- \*\*Impact duration\*\*: 5 min \d+ s\n/);
    expect(failover).toMatch(/\| RTO \(from detection\) \| 15 min 0 s \| 5 min \d+ s \| met \|/);
    expect(failover).toMatch(
      /\| 09:0\d:\d\d \| Aurora accepted the failover \(data loss allowed\) of global database shop-global to ap-southeast-1 \(Singapore\)\. \| request [0-9a-f-]{36}/,
    );
    expect(failover).toContain("```mermaid\ngantt");
    for (const phase of [
      "Detection (hold)",
      "Pre-checks",
      "Database promotion",
      "Nodegroup scale-up",
      "Traffic switch",
    ]) {
      expect(failover).toMatch(
        new RegExp(`    ${phase.replace(/[()]/g, "\\$&")} :p\\d+, 2026-01-01T09:\\d\\d:\\d\\d, \\d+s`),
      );
    }
    expect(failover).toContain("### Root cause\n_(to be filled in by a person)_");
    expect(failover).toMatch(
      /- Traffic: .*by 2026-01-01 09:0\d:\d\d, DNS answered with ap-southeast-1 \(Singapore\)/,
    );
  });

  it("does not claim where traffic went when the run stopped before it moved DNS", async () => {
    const [escalated] = await reportsOf("en", "stuck-promotion");

    expect(escalated).toContain("- **Recovered**: not recovered by this run");
    expect(escalated).toContain("- Traffic: this run did not change DNS.");
    expect(escalated).not.toMatch(/traffic .* was not moved|stayed in ap-northeast-1/);
  });

  it("names the failback's initiator from CloudTrail and writes the report in Japanese on request", async () => {
    const [, failback] = await reportsOf("ja");

    expect(failback).toMatch(/^# 障害報告書: shop フェイルバック（ap-southeast-1 → ap-northeast-1）/);
    expect(failback).toContain("- **障害レベル**: 計画作業（フェイルバック）: 障害ではない");
    expect(failback).toContain(
      "- **対応者**: kirikae（自動ワークフロー）、arn:aws:iam::111122223333:user/oncall-engineer（実行を開始。CloudTrail による）",
    );
    expect(failback).toMatch(/- \*\*開始日時\*\*: 2026-01-01 09:\d\d:\d\d UTC\+09:00\n/);
    expect(failback).toContain("切替元の縮退");
    expect(failback).toContain("### 根本原因");
    expect(failback).toMatch(/\| RTO（依頼から） \| 15分0秒 \| \d+分\d+秒 \| 達成 \|/);
  });
});
