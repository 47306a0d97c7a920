import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../core/audit/escape-html.js";
import { incidentReportHtml } from "../../core/audit/incident-report-html.js";
import type { AuditRecord } from "../../core/ports/audit.js";
import { drillReports, mermaidPhases } from "../support/drill-reports.js";
import { testPlan } from "../support/plan-fixtures.js";

/** The phases the HTML page draws: label and outcome of each bar, in order. */
function chartPhases(html: string): Array<{ label: string; outcome: string }> {
  return [
    ...html.matchAll(
      /<g class="phase" data-phase="[^"]+" data-outcome="([a-z]+)"><text [^>]*>([^<]+)<\/text>/g,
    ),
  ].map((match) => ({ label: match[2] ?? "", outcome: match[1] ?? "" }));
}

describe("HTML incident report", () => {
  it("writes a self-contained page beside each Markdown report, with the same summary and phases", async () => {
    const { reports } = await drillReports("region-outage", "en");

    expect(reports.map((report) => report.name)).toEqual([
      "shop-failover-20260101T000130-c5df546f",
      "shop-failback-drill",
    ]);
    for (const report of reports) {
      expect(report.html).toMatch(/^<!doctype html>\n<html lang="en">/);
      expect(report.html).toContain(
        `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
      );
      // Nothing to fetch: no script, no stylesheet link, no image, no URL but the SVG namespace.
      expect(report.html).not.toMatch(/<script|<link|<img|\b(src|href)=/i);
      expect(report.html.match(/https?:\/\/[^"]+/g)).toEqual(["http://www.w3.org/2000/svg"]);
      const phases = mermaidPhases(report.markdown);
      expect(phases.length).toBeGreaterThan(3);
      expect(chartPhases(report.html)).toEqual(phases);
      for (const [, label, value] of report.markdown.matchAll(/^- \*\*(.+?)\*\*: (.+)$/gm))
        expect(report.html).toContain(
          `<dt>${escapeHtml(label ?? "")}</dt><dd>${escapeHtml(value ?? "")}</dd>`,
        );
    }
    const [failover] = reports;
    expect(failover?.html).toMatch(
      /<tr><th scope="row">RTO \(from detection\)<\/th><td>15 min 0 s<\/td><td>5 min \d+ s<\/td>/,
    );
    // Every time on the page is in the plan's home region's zone, and the page says which.
    expect(failover?.html).toContain("<dt>Times shown in</dt><dd>Asia/Tokyo (UTC+09:00)</dd>");
    expect(failover?.html).toContain(">time (Asia/Tokyo, UTC+09:00)</text>");
    expect(failover?.html).toMatch(
      /<time datetime="2026-01-01T00:01:30\.\d{3}Z">2026-01-01 09:01:30<\/time>/,
    );
    expect(chartPhases(failover?.html ?? "").map((phase) => phase.label)).toEqual([
      "Detection (hold)",
      "Pre-checks",
      "Database promotion",
      "Nodegroup scale-up",
      "Traffic switch",
      "Verification",
    ]);
  });

  it("marks the phase a stuck run never finished as stopped, in the chart and in the Mermaid gantt", async () => {
    const { reports } = await drillReports("stuck-promotion", "en");
    const [failover] = reports;

    expect(mermaidPhases(failover?.markdown ?? "")).toContainEqual({
      label: "Database promotion",
      outcome: "failed",
    });
    expect(chartPhases(failover?.html ?? "")).toContainEqual({
      label: "Database promotion",
      outcome: "failed",
    });
    expect(failover?.html).toContain(">stopped unfinished</text>");
  });

  it("writes the page in Japanese with --lang ja", async () => {
    const { reports } = await drillReports("region-outage", "ja");
    const failback = reports[1];

    expect(failback?.htmlFile).toMatch(/shop-failback-drill\.ja\.html$/);
    expect(failback?.html).toContain('<html lang="ja">');
    expect(failback?.html).toContain(
      "<h1>障害報告書: shop フェイルバック（ap-southeast-1 → ap-northeast-1）</h1>",
    );
    expect(failback?.html).toContain(
      "<dt>対応者</dt><dd>kirikae（自動ワークフロー）、arn:aws:iam::111122223333:user/oncall-engineer（実行を開始。CloudTrail による）</dd>",
    );
    expect(chartPhases(failback?.html ?? "").map((phase) => phase.label)).toContain("切替元の縮退");
    expect(failback?.html).toContain(">時刻（Asia/Tokyo, UTC+09:00）</text>");
    expect(failback?.html).toContain("<dt>時刻の表記</dt><dd>Asia/Tokyo（UTC+09:00）</dd>");
  });

  it("escapes every text taken from the audit trail, so a hostile reason cannot inject markup", () => {
    const hostile = `<img src=x onerror="alert(1)">&'`;
    const records = abortedRun({ reason: hostile, resource: "</svg><script>alert(2)</script>" });

    const html = incidentReportHtml(testPlan(), records, { language: "en" });

    expect(html).not.toMatch(/<script|<img|<\/svg><script/i);
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;");
    expect(html).toContain("&lt;/svg&gt;&lt;script&gt;alert(2)&lt;/script&gt;");
  });
});

/**
 * A failover refused by its pre-checks, as the trail records it, with a call a custom step made; the
 * texts a person could control are given.
 */
function abortedRun(hostile: { reason: string; resource: string }): AuditRecord[] {
  const base = { plan: "shop", executionId: "arn:exec", actor: "kirikae", prevHash: "", hash: "" };
  return [
    {
      ...base,
      seq: 1,
      kind: "execution",
      action: "failover.accepted",
      at: "2026-01-01T00:02:00.000Z",
      details: {
        request: {
          kind: "failover",
          sourceRegion: "ap-northeast-1",
          targetRegion: "ap-southeast-1",
          trigger: { detectedAt: "2026-01-01T00:01:00.000Z", reason: hostile.reason },
        },
      },
    },
    {
      ...base,
      seq: 2,
      kind: "decision",
      action: "precheck.failed",
      outcome: "failed",
      resource: hostile.resource,
      at: "2026-01-01T00:02:01.000Z",
      details: { reason: hostile.reason },
    },
    {
      ...base,
      seq: 3,
      kind: "outcome",
      action: "lambda:Invoke",
      outcome: "failed",
      resource: hostile.resource,
      requestId: "req-1",
      at: "2026-01-01T00:02:01.500Z",
      error: { name: "States.TaskFailed", message: hostile.reason },
    },
    {
      ...base,
      seq: 4,
      kind: "execution",
      action: "failover.aborted",
      outcome: "failed",
      error: { name: "PrecheckFailed", message: hostile.reason },
      at: "2026-01-01T00:02:02.000Z",
    },
  ];
}
