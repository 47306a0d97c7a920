import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SANDBOX_STAGE } from "../../sandbox/sandbox-control-plane.js";
import { testPlan, testPlanInput } from "../support/plan-fixtures.js";
import { sandboxCli } from "../support/sandbox-cli.js";
import { sandboxStagePerTest } from "../support/sandbox-stage.js";

const ONCALL = "arn:aws:iam::111122223333:user/oncall";
const plan = testPlan();
const stages = sandboxStagePerTest();

/** A sandbox stage where a failback was asked for while the plan is home: the first step refuses it. */
async function refusedRun() {
  const { built, controlPlane } = await stages.start(plan);
  const kirikae = sandboxCli(built, controlPlane, ONCALL);
  const at = ["--stage", SANDBOX_STAGE, "--region", controlPlane.region];
  await kirikae("failback", "--plan", "shop", "--reason", "just in case", "--wait", ...at);
  const folder = await stages.scratch("kirikae-report-cli-");
  const planFile = join(folder, "shop.plan.json");
  // The plan as its author writes it: `report` loads the file as `plan validate` would.
  await writeFile(planFile, JSON.stringify(testPlanInput()));
  const execution = built.models.sfn.all()[0]?.executionArn ?? "";
  return {
    folder,
    report: (...argv: string[]) =>
      kirikae("report", execution, "--plan-file", planFile, "--stage", SANDBOX_STAGE, ...argv),
  };
}

describe("kirikae report of a request the first step refused", () => {
  it("says it was refused before it started, in the home region's time by default, and draws nothing as running", async () => {
    const { report } = await refusedRun();

    const english = await report();

    expect(english.code).toBe(0);
    expect(english.stdout).toMatch(/^# Incident report: shop failback\n/);
    expect(english.stdout).toMatch(
      /- \*\*Outcome\*\*: Refused before it started: plan "shop" is already home in ap-northeast-1\b.*\. Nothing was changed\.\n/,
    );
    expect(english.stdout).toContain("- Traffic: this run did not change DNS.\n");
    expect(english.stdout).toContain("- **Times shown in**: Asia/Tokyo (UTC+09:00)");
    expect(english.stdout).toMatch(
      /- \*\*Started\*\*: not started: the request was refused at 2026-01-01 \d\d:\d\d:\d\d UTC\+09:00/,
    );
    expect(english.stdout).toContain("## 9. Phases\nNo phase was recorded.");
    expect(english.stdout).not.toMatch(/in progress|Level 3|\?|active, /);
  });

  it("writes it in Japanese in the zone asked for, and HTML beside it showing that zone", async () => {
    const { report, folder } = await refusedRun();
    const out = join(folder, "out");

    const japanese = await report("--lang", "ja", "--tz", "UTC", "--reporter", "山田（SRE）", "--out", out);

    expect(japanese.code).toBe(0);
    const [markdownFile] = japanese.stdout.match(/\S+\.ja\.md/) ?? [];
    const markdown = await readFile(markdownFile ?? "", "utf8");
    const html = await readFile((markdownFile ?? "").replace(/\.md$/, ".html"), "utf8");
    expect(markdown).toMatch(
      /- \*\*結果\*\*: 開始前に拒否:「plan "shop" is already home in ap-northeast-1\b.*」。何も変更していない\n/,
    );
    expect(markdown).toContain("- **時刻の表記**: UTC（UTC+00:00）");
    expect(markdown).toContain("- **報告者**: 山田（SRE）");
    expect(markdown).toMatch(
      /- \*\*開始日時\*\*: 開始していない（2026-01-01 00:\d\d:\d\d UTC\+00:00 に要求を拒否）/,
    );
    expect(markdown).toContain("## 9. フェーズ（ガントチャート）\n記録されたフェーズはありません。");
    expect(markdown).not.toMatch(/実行中|Level/);
    expect(html).toContain("<dt>時刻の表記</dt><dd>UTC（UTC+00:00）</dd>");
  });

  it("refuses a time zone it does not know before reading anything, saying what to give", async () => {
    const { report } = await refusedRun();

    const result = await report("--tz", "Mars/Olympus_Mons");

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('"Mars/Olympus_Mons" is not a time zone this system knows');
    expect(result.stderr).toContain("Asia/Tokyo");
    expect(result.stdout).toBe("");
  });
});
