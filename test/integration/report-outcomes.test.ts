import { beforeAll, describe, expect, it } from "vitest";
import { incidentReport } from "../../core/audit/incident-report.js";
import type { ReportLanguage } from "../../core/audit/report-text.js";
import type { Plan } from "../../core/plan/schema.js";
import type { AuditRecord } from "../../core/ports/audit.js";
import { drillRuns, mermaidPhases, planWithCreatedAlarm } from "../support/drill-reports.js";

interface Drilled {
  plan: Plan;
  records: AuditRecord[];
  createdAt: string;
}

/** One drill per outcome; each test writes its report in the language it checks. */
const drilled: Record<"succeeded" | "refused" | "escalated", Drilled> = {} as never;

beforeAll(async () => {
  const plan = planWithCreatedAlarm();
  const scenarios = {
    succeeded: "region-outage",
    refused: "dr-not-ready",
    escalated: "stuck-promotion",
  } as const;
  await Promise.all(
    Object.entries(scenarios).map(async ([outcome, scenario]) => {
      const { runs, createdAt } = await drillRuns(scenario, { plan, failback: false });
      const [failover] = runs;
      if (!failover) throw new Error(`${scenario} ran no workflow`);
      drilled[outcome as keyof typeof drilled] = { plan, records: failover.records, createdAt };
    }),
  );
}, 120_000);

function report(outcome: keyof typeof drilled, language: ReportLanguage, timeZone?: string): string {
  const { plan, records, createdAt } = drilled[outcome];
  return incidentReport(plan, records, { language, createdAt, ...(timeZone ? { timeZone } : {}) });
}

/** A summary or times field's value, as the Markdown lists it. */
function field(markdown: string, label: string): string {
  const line = markdown.split("\n").find((candidate) => candidate.startsWith(`- **${label}**: `));
  if (line === undefined) throw new Error(`no field ${label}`);
  return line.slice(`- **${label}**: `.length);
}

/** The timeline's sentences: the middle column of its table. */
function sentences(markdown: string): string[] {
  const section = markdown.split(/^## /m).find((part) => /^4\. /.test(part)) ?? "";
  return section
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| ---"))
    .slice(1)
    .map((line) => line.split(" | ")[1] ?? "");
}

/** Nothing the report does not know is shown as a placeholder. */
function expectNoPlaceholders(markdown: string): void {
  expect(markdown).not.toMatch(/\?\s|\?$|\(\?\)|: \?|undefined|NaN|null/m);
}

/** The trail's own identifiers stay out of the sentences: no action IDs, no request UUIDs. */
function expectPlainSentences(markdown: string): void {
  const told = sentences(markdown);
  expect(told.length).toBeGreaterThan(3);
  for (const sentence of told) {
    expect(sentence).not.toMatch(/\b(failover|failback)\.[a-z-]+\b/);
    expect(sentence).not.toMatch(/\b(database|precheck|signal|traffic|recovery|nodegroups)\.[a-z-]+\b/);
    expect(sentence).not.toMatch(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/);
    expect(sentence).not.toMatch(/\b(rds|eks|route53|states):[A-Z]/);
  }
}

describe("incident report of a succeeded failover", () => {
  it("says in English when the outage began (estimated), was detected and recovered, in Tokyo time, and tells the response in sentences", () => {
    const markdown = report("succeeded", "en");

    expect(markdown).toMatch(/^# Incident report: shop failover \(ap-northeast-1 → ap-southeast-1\)/);
    expect(field(markdown, "Times shown in")).toBe("Asia/Tokyo (UTC+09:00)");
    expect(field(markdown, "Outcome")).toBe(
      "Succeeded: the failover to ap-southeast-1 (Singapore) finished and recovery was verified.",
    );
    expect(field(markdown, "Severity")).toMatch(/^Level 4: complete failure \(impact: critical\)/);
    // The alarm changed state at 00:01:30 UTC; two one-minute periods before it is the estimate.
    expect(field(markdown, "Occurred (estimated)")).toBe("2026-01-01 09:02:00 UTC+09:00");
    expect(field(markdown, "Detected")).toBe("2026-01-01 09:03:00 UTC+09:00 (the alarm entered ALARM)");
    expect(field(markdown, "Recovered")).toMatch(/^2026-01-01 09:0\d:\d\d UTC\+09:00$/);
    expect(field(markdown, "Impact duration")).toMatch(
      /^\d+ min \d+ s \(1 min 0 s of it before detection\)$/,
    );
    expect(markdown).toContain(
      "> The outage start is an estimate: alarm shop-tokyo-health (us-east-1) enters ALARM",
    );
    expect(markdown).toContain("breaches for one period of 1 min 0 s");
    expect(markdown).toMatch(
      /\| RTO \(from the estimated outage start\) \| 15 min 0 s \| \d+ min \d+ s \| met \|/,
    );
    expect(markdown).toMatch(
      /- Traffic: kirikae changed the DNS records towards ap-southeast-1 \(Singapore\) at 2026-01-01 09:0\d:\d\d; by 2026-01-01 09:0\d:\d\d, DNS answered with ap-southeast-1 \(Singapore\): app\.example\.com → shop-singapore\.elb\.example\.com, as the switch step read it from the zone's name servers\./,
    );
    expect(sentences(markdown)).toContain(
      "The alarm was still in ALARM after the plan's hold of 1 min 0 s: the outage was confirmed.",
    );
    expect(markdown).toMatch(/\| request [0-9a-f-]{36}<br>CloudTrail event [0-9a-f-]{36} \|/);
    expectPlainSentences(markdown);
    expectNoPlaceholders(markdown);
  });

  it("follows the 障害報告書 form in Japanese, with Japanese labels and the seeds' level notation", () => {
    const markdown = report("succeeded", "ja");

    expect(markdown).toMatch(/^# 障害報告書: shop フェイルオーバー（ap-northeast-1 → ap-southeast-1）/);
    for (const heading of [
      "## 1. 概要",
      "## 2. 発生日時・検知日時・復旧日時",
      "## 3. 影響範囲",
      "## 4. 対応経緯",
      "## 5. 原因",
      "## 6. 暫定対応",
      "## 7. 恒久対策・再発防止策",
    ])
      expect(markdown).toContain(heading);
    expect(field(markdown, "作成日")).toMatch(/^2026-01-01 \d\d:\d\d:\d\d UTC\+09:00$/);
    expect(field(markdown, "報告者")).toBe("（担当者が記入）");
    expect(field(markdown, "対応者")).toBe("kirikae（自動ワークフロー）");
    expect(field(markdown, "時刻の表記")).toBe("Asia/Tokyo（UTC+09:00）");
    expect(field(markdown, "結果")).toBe(
      "成功: ap-southeast-1（シンガポール）へのフェイルオーバーが完了し、復旧を確認した。",
    );
    expect(field(markdown, "障害レベル")).toMatch(/^Level 4: 完全障害（影響: 致命的）/);
    expect(field(markdown, "発生日時（推定）")).toBe("2026-01-01 09:02:00 UTC+09:00");
    expect(field(markdown, "検知日時")).toBe("2026-01-01 09:03:00 UTC+09:00（アラームが ALARM に変化）");
    expect(field(markdown, "影響時間")).toMatch(/^\d+分\d+秒（うち検知まで 1分0秒）$/);
    expect(markdown).toContain("> 発生日時は推定値:");
    expect(sentences(markdown)).toContain(
      "保留時間（1分0秒）を過ぎてもアラームが ALARM のままだったため、障害と判断した。",
    );
    expect(markdown).toContain(
      "### この実行で行ったこと\n- データベースのライターを ap-southeast-1（シンガポール）に移した（フェイルオーバー）。",
    );
    expect(markdown).toContain("ap-northeast-1（東京）の回復後にフェイルバックを計画する");
    // No English label or raw record name is left in the Japanese report.
    expect(markdown).not.toMatch(
      /\b(Outcome|Level of|Detection|Recovered|in progress|failover\.succeeded)\b/,
    );
    expectPlainSentences(markdown);
    expectNoPlaceholders(markdown);
  });

  it("shows every time in the zone asked for, with its offset", () => {
    const markdown = report("succeeded", "en", "America/New_York");

    expect(field(markdown, "Times shown in")).toBe("America/New_York (UTC-05:00)");
    expect(field(markdown, "Occurred (estimated)")).toBe("2025-12-31 19:02:00 UTC-05:00");
    expect(markdown).toMatch(/^\| 2025-12-31 19:03:00 \| /m);
    expect(markdown).toContain("    Before detection (estimated) :done, p0, 2025-12-31T19:02:00, 60s");
    expect(markdown).toContain("_time (America/New_York, UTC-05:00)_");
  });
});

describe("incident report of a failover its pre-checks refused", () => {
  it("says in English that it stopped at its pre-checks and changed nothing, and draws no phase as still running", () => {
    const markdown = report("refused", "en");

    expect(field(markdown, "Outcome")).toBe(
      "Stopped by its pre-checks: compute.nodegroup.web: max size 5, active size 6. Nothing was changed; ap-northeast-1 (Tokyo) stays active.",
    );
    expect(field(markdown, "Severity")).toBe(
      "not assessed: the run stopped before it looked at the database; for a person to decide",
    );
    expect(field(markdown, "Occurred (estimated)")).toBe("2026-01-01 09:02:00 UTC+09:00");
    expect(field(markdown, "Detected")).toBe("2026-01-01 09:03:00 UTC+09:00 (the alarm entered ALARM)");
    expect(field(markdown, "Recovered")).toBe("not recovered by this run (it stopped at its pre-checks)");
    expect(markdown).toContain("- Data: this run did not promote the database, so it lost no data.");
    expect(markdown).toContain("### What this run did\n- None: this run changed nothing.");
    expect(markdown).toMatch(/\| RPO \| 5 min 0 s \| 0 s \(nothing was promoted\) \| met \|/);
    expect(markdown).not.toMatch(/in progress|Level 3/);
    expect(mermaidPhases(markdown)).toEqual([
      { label: "Before detection (estimated)", outcome: "estimated" },
      { label: "Detection (hold)", outcome: "ok" },
      { label: "Pre-checks", outcome: "failed" },
    ]);
    expectPlainSentences(markdown);
    expectNoPlaceholders(markdown);
  });

  it("says the same in Japanese", () => {
    const markdown = report("refused", "ja");

    expect(field(markdown, "結果")).toBe(
      "事前チェックで中止:「compute.nodegroup.web: max size 5, active size 6」。何も変更しておらず、稼働リージョンは ap-northeast-1（東京）のまま",
    );
    expect(field(markdown, "障害レベル")).toBe(
      "未判定: データベースの状態を判断する前に停止したため、担当者が判定する",
    );
    expect(field(markdown, "復旧日時")).toBe("この実行では復旧していない（事前チェックで停止した）");
    expect(field(markdown, "影響時間")).toMatch(
      /^少なくとも \d+分\d+秒（うち検知まで 1分0秒）。実行の終了の時点で未復旧$/,
    );
    expect(sentences(markdown).at(-1)).toBe(
      "何も変更せずにフェイルオーバーを中止した:「compute.nodegroup.web: max size 5, active size 6」。稼働リージョンは ap-northeast-1（東京）。",
    );
    expect(markdown).toContain("### この実行で行ったこと\n- なし（この実行では何も変更していない）。");
    expect(markdown).not.toMatch(/実行中|Level 3/);
    expectPlainSentences(markdown);
    expectNoPlaceholders(markdown);
  });
});

describe("incident report of an escalated failover (the promotion never completed)", () => {
  it("says in English who has to act, that DNS was not changed by the run but may have moved by health checks, and how long users were affected at least", () => {
    const markdown = report("escalated", "en");

    expect(field(markdown, "Outcome")).toMatch(
      /^Escalated to a person: the workflow passed its rollback trigger at 2026-01-01 09:33:00 UTC\+09:00 and stops without moving traffic\. ap-northeast-1 \(Tokyo\) is the active region\.$/,
    );
    expect(field(markdown, "Recovered")).toBe(
      "not recovered by this run (it stopped half-way and was handed to a person)",
    );
    expect(field(markdown, "Impact duration")).toMatch(
      /^at least 3\d min \d+ s \(1 min 0 s of it before detection\), until the run ended without recovery$/,
    );
    expect(markdown).toContain(
      "- Traffic: this run did not change DNS. Failover records answer by their health checks, though, so Route 53 may have sent users to ap-southeast-1 (Singapore) by itself; this run did not record what DNS answered.",
    );
    expect(markdown).not.toMatch(/stayed|was not moved to/);
    expect(markdown).toContain(
      "- Aurora was asked to promote ap-southeast-1 (Singapore); the promotion had not completed when the run ended.",
    );
    expect(markdown).toMatch(/### Still to do\n- A person takes over: check the state the run left/);
    expect(mermaidPhases(markdown)).toContainEqual({ label: "Database promotion", outcome: "failed" });
    expectPlainSentences(markdown);
    expectNoPlaceholders(markdown);
  });

  it("says the same in Japanese", () => {
    const markdown = report("escalated", "ja");

    expect(field(markdown, "結果")).toMatch(
      /^エスカレーション（担当者の判断が必要）:「the workflow passed its rollback trigger at 2026-01-01 09:33:00 UTC\+09:00/,
    );
    expect(field(markdown, "復旧日時")).toBe(
      "この実行では復旧していない（途中で停止し、担当者に引き継いだ）",
    );
    expect(markdown).toContain(
      "- トラフィック: この実行は DNS を変更していない。ただしフェイルオーバーレコードはヘルスチェックに従って応答するため、Route 53 が自ら利用者を ap-southeast-1（シンガポール）に向けていた可能性がある（この実行は DNS の応答を記録していない）。",
    );
    expect(sentences(markdown).at(-1)).toMatch(/^フェイルオーバーを停止し、担当者に引き継いだ:「/);
    expect(mermaidPhases(markdown)).toContainEqual({ label: "DB 昇格", outcome: "failed" });
    expectPlainSentences(markdown);
    expectNoPlaceholders(markdown);
  });
});

describe("incident report of a run still going", () => {
  it("says it is in progress, since when, and draws the open phase as running", () => {
    const { plan, records, createdAt } = drilled.succeeded;
    const promoted = records.findIndex((record) => record.action === "database.promoted");
    const sofar = records.slice(0, promoted);

    const markdown = incidentReport(plan, sofar, { language: "en", createdAt });

    expect(field(markdown, "Outcome")).toMatch(/^In progress \(last record at 2026-01-01 09:0\d:\d\d\)$/);
    expect(field(markdown, "Recovered")).toBe("not recovered by this run (still running)");
    expect(mermaidPhases(markdown)).toContainEqual({ label: "Database promotion", outcome: "running" });
    expect(markdown).toContain(
      "- Still running: follow it with `kirikae status`, and write this report again once it ends.",
    );
  });
});

describe("incident report of a failover with data loss that the on-call engineer rejected", () => {
  it("says it was not approved, by whom, and that nothing was promoted, in both languages", async () => {
    const plan = planWithCreatedAlarm((input) => {
      input.database.dataLoss = "approval-above-rpo";
    });
    const { runs, createdAt } = await drillRuns("lag-beyond-rpo", {
      plan,
      failback: false,
      dataLossAnswer: "reject",
    });
    const records = runs[0]?.records ?? [];

    const english = incidentReport(plan, records, { language: "en", createdAt });
    const japanese = incidentReport(plan, records, { language: "ja", createdAt });

    expect(field(english, "Outcome")).toMatch(
      /^Not approved: the failover with data loss was not approved \(rejected by arn:aws:iam::111122223333:user\/oncall-engineer: /,
    );
    expect(field(english, "Responders")).toBe(
      "kirikae (automated workflow); arn:aws:iam::111122223333:user/oncall-engineer (rejected the failover with data loss)",
    );
    expect(english).toContain("- Data: this run did not promote the database, so it lost no data.");
    expect(sentences(english)).toContainEqual(
      expect.stringMatching(
        /^arn:aws:iam::111122223333:user\/oncall-engineer rejected the failover with data loss: drill: the loss is too high/,
      ),
    );
    expect(field(japanese, "結果")).toMatch(
      /^承認されず停止: データ損失を伴うフェイルオーバーは承認されなかった/,
    );
    expect(field(japanese, "対応者")).toBe(
      "kirikae（自動ワークフロー）、arn:aws:iam::111122223333:user/oncall-engineer（データ損失を伴うフェイルオーバーを却下）",
    );
    expectPlainSentences(english);
    expectPlainSentences(japanese);
    expectNoPlaceholders(japanese);
  }, 120_000);
});
