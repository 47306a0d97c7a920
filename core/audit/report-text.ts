import type { Plan } from "../plan/schema.js";
import type { AuditRecord } from "../ports/audit.js";

export type ReportLanguage = "en" | "ja";

const phaseNames = {
  en: {
    detection: "Detection (hold)",
    precheck: "Pre-checks",
    approval: "Waiting for approval",
    promotion: "Database promotion",
    scaleUp: "Nodegroup scale-up",
    traffic: "Traffic switch",
    verification: "Verification",
    scaleDown: "Scale-down of the region left",
  },
  ja: {
    detection: "検知 (保留時間)",
    precheck: "事前チェック",
    approval: "承認待ち",
    promotion: "DB 昇格",
    scaleUp: "ノードグループ拡張",
    traffic: "トラフィック切替",
    verification: "復旧確認",
    scaleDown: "切替元の縮退",
  },
} as const;

export type PhaseName = keyof (typeof phaseNames)["en"];

export type ReportText = ReturnType<typeof reportText>;

/** The report's words in English and in Japanese (the runbooks' own template headings). */
export function reportText(language: ReportLanguage) {
  const ja = language === "ja";
  return {
    title: ja ? "インシデントレポート" : "Incident report",
    summary: ja ? "概要" : "Summary",
    occurredAt: ja ? "発生日時" : "Occurred at",
    recoveredAt: ja ? "復旧完了時刻" : "Recovered at",
    duration: ja ? "影響時間" : "Duration",
    level: ja ? "障害レベル" : "Level",
    impact: ja ? "影響範囲" : "Impact",
    outcome: ja ? "結果" : "Outcome",
    trigger: ja ? "契機" : "Trigger",
    initiator: ja ? "実行者" : "Started by",
    notRecovered: ja ? "未復旧" : "not recovered",
    unknown: ja ? "不明" : "unknown",
    inProgress: ja ? "実行中" : "in progress",
    objectives: ja ? "目標と実績" : "Objectives",
    objective: ja ? "目標" : "Objective",
    achieved: ja ? "実績" : "Achieved",
    met: ja ? "達成" : "met",
    missed: ja ? "未達" : "missed",
    timeline: ja ? "タイムライン" : "Timeline",
    phases: ja ? "フェーズ" : "Phases",
    phaseNames: phaseNames[language] as Record<PhaseName, string>,
    /** The gantt's legend: how each phase ended. */
    phaseOutcomes: {
      ok: ja ? "完了" : "completed",
      failed: ja ? "未完了で停止" : "stopped unfinished",
      running: ja ? "実行中" : "in progress",
    },
    timeAxis: ja ? "時刻 (UTC)" : "time (UTC)",
    noPhases: ja ? "記録されたフェーズはありません" : "No phase was recorded.",
    cause: ja ? "原因分析" : "Cause analysis",
    directCause: ja ? "直接原因" : "Direct cause",
    rootCause: ja ? "根本原因" : "Root cause",
    contributing: ja ? "寄与要因" : "Contributing factors",
    toFillIn: ja ? "(担当者が記入)" : "(to be filled in by a person)",
    formatDuration: (seconds: number) => {
      if (seconds < 60) return ja ? `${seconds.toFixed(1)}秒` : `${seconds.toFixed(1)} s`;
      const minutes = Math.floor(seconds / 60);
      const rest = Math.round(seconds - minutes * 60);
      return ja ? `${minutes}分${rest}秒` : `${minutes} min ${rest} s`;
    },
    /** The runbooks' levels: a region whose database does not answer is a complete failure (Level 4). */
    levelOf: (kind: string | undefined, mode: "switchover" | "failover" | undefined) => {
      if (kind === "failback") return ja ? "計画作業 (フェイルバック)" : "planned operation (failback)";
      if (mode === "failover")
        return ja ? "Level 4 (完全障害: リージョン停止)" : "Level 4 (complete failure: region down)";
      return ja ? "Level 3 (システム障害)" : "Level 3 (system failure)";
    },
    impactOf: (
      plan: Plan,
      source: string,
      target: string,
      rpoSeconds: number | null | undefined,
      moved: boolean,
    ) => {
      const names = plan.dns.records.map((record) => record.name).join(", ");
      // A run that stopped before its verification did not move traffic by its own account.
      if (!moved) {
        return ja
          ? `${names} のトラフィックを ${target} へ切替える処理は完了せず（${source} から移していない）`
          : `traffic for ${names} was not moved to ${target} by this run (it stopped before recovery was verified)`;
      }
      const loss =
        rpoSeconds === null
          ? ja
            ? "。昇格時のレプリケーション遅延は不明（失われた書き込みの量は不明）"
            : "; the replication lag at the promotion was unknown, so the writes lost are unknown"
          : rpoSeconds && rpoSeconds > 0
            ? ja
              ? `。昇格前の最大 ${rpoSeconds.toFixed(1)} 秒分の書き込みが失われた可能性あり`
              : `; writes from up to ${rpoSeconds.toFixed(1)} s before the promotion may be lost`
            : "";
      return ja
        ? `${names} のトラフィックを ${source} から ${target} へ切替${loss}`
        : `traffic for ${names} moved from ${source} to ${target}${loss}`;
    },
    describe: (record: AuditRecord) => describeRecord(record, ja),
  };
}

function describeRecord(record: AuditRecord, ja: boolean): string {
  const failed = record.outcome === "failed" ? (ja ? " (失敗)" : " (failed)") : "";
  const where = record.resource ? ` ${record.resource}` : "";
  if (record.kind === "evidence")
    return `${ja ? "実行者 (CloudTrail)" : "started by (CloudTrail)"}: ${String(record.details?.initiator)}`;
  if (record.kind === "outcome")
    return `${record.action}${where}${failed}${record.requestId ? ` [${record.requestId}]` : ""}`;
  const reason = typeof record.details?.reason === "string" ? `: ${record.details.reason}` : "";
  return `${record.action}${where}${failed}${reason}`;
}
