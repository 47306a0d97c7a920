import type { ReportLanguage } from "../report/language.js";
import type { PhaseName } from "../report/workflow-phases.js";

export type { ReportLanguage } from "../report/language.js";
export type { PhaseName } from "../report/workflow-phases.js";

/** The gantt's rows: the workflow's phases, and the estimated time before the alarm saw the outage. */
export type ChartPhase = PhaseName | "outage";

const phaseNames: Record<ReportLanguage, Record<ChartPhase, string>> = {
  en: {
    outage: "Before detection (estimated)",
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
    outage: "検知まで（推定）",
    detection: "検知（保留時間）",
    precheck: "事前チェック",
    approval: "承認待ち",
    promotion: "DB 昇格",
    scaleUp: "ノードグループ拡張",
    traffic: "トラフィック切替",
    verification: "復旧確認",
    scaleDown: "切替元の縮退",
  },
};

export type ReportText = ReturnType<typeof reportText>;

/**
 * The report's labels. The Japanese ones follow the 障害報告書 of the seed runbooks (発生日時, 検知日時,
 * 復旧日時, 影響範囲, 対応経緯, 原因, 暫定対応, 恒久対策・再発防止策, 報告者/対応者, 作成日); the English
 * ones are their equivalents. Sentences live in core/report/, written in both languages side by side.
 */
export function reportText(language: ReportLanguage) {
  const ja = language === "ja";
  return {
    title: ja ? "障害報告書" : "Incident report",
    createdAt: ja ? "作成日" : "Date of report",
    reporter: ja ? "報告者" : "Reported by",
    responders: ja ? "対応者" : "Responders",
    timeZone: ja ? "時刻の表記" : "Times shown in",
    sections: {
      summary: ja ? "1. 概要" : "1. Summary",
      times: ja ? "2. 発生日時・検知日時・復旧日時" : "2. Occurrence, detection and recovery",
      impact: ja ? "3. 影響範囲" : "3. Impact",
      timeline: ja ? "4. 対応経緯" : "4. Response timeline",
      cause: ja ? "5. 原因" : "5. Cause",
      interim: ja ? "6. 暫定対応" : "6. Interim actions",
      permanent: ja ? "7. 恒久対策・再発防止策" : "7. Permanent fix and prevention",
      objectives: ja ? "8. 目標と実績" : "8. Objectives",
      phases: ja ? "9. フェーズ（ガントチャート）" : "9. Phases",
    },
    outcome: ja ? "結果" : "Outcome",
    level: ja ? "障害レベル" : "Severity",
    trigger: ja ? "契機" : "Trigger",
    service: ja ? "対象サービス" : "Service",
    occurredAt: ja ? "発生日時（推定）" : "Occurred (estimated)",
    detectedAt: ja ? "検知日時" : "Detected",
    recoveredAt: ja ? "復旧日時" : "Recovered",
    impactTime: ja ? "影響時間" : "Impact duration",
    startedAt: ja ? "開始日時" : "Started",
    completedAt: ja ? "完了日時" : "Completed",
    duration: ja ? "所要時間" : "Duration",
    timelineTime: ja ? "時刻" : "Time",
    timelineWhat: ja ? "内容" : "What happened",
    timelineEvidence: ja ? "証跡" : "Evidence",
    evidenceRequest: ja ? "リクエスト ID" : "request",
    evidenceCloudTrail: ja ? "CloudTrail イベント" : "CloudTrail event",
    noTimeline: ja ? "この実行の記録はありません。" : "The trail holds no record of this run.",
    directCause: ja ? "直接原因" : "Direct cause",
    rootCause: ja ? "根本原因" : "Root cause",
    contributing: ja ? "寄与要因" : "Contributing factors",
    recordsShow: ja ? "記録から分かること" : "What the records show",
    interimDone: ja ? "この実行で行ったこと" : "What this run did",
    interimNext: ja ? "引き続き必要な対応" : "Still to do",
    toFillIn: ja ? "（担当者が記入）" : "(to be filled in by a person)",
    objective: ja ? "目標" : "Objective",
    achieved: ja ? "実績" : "Achieved",
    verdict: ja ? "判定" : "Verdict",
    met: ja ? "達成" : "met",
    missed: ja ? "未達" : "missed",
    undetermined: ja ? "未確定" : "not determined",
    rtoFromDetection: ja ? "RTO（検知から）" : "RTO (from detection)",
    rtoFromStart: ja ? "RTO（推定発生時刻から）" : "RTO (from the estimated outage start)",
    rtoFromRequest: ja ? "RTO（依頼から）" : "RTO (from the request)",
    rpo: "RPO",
    phaseNames: phaseNames[language],
    /** The gantt's legend: how each phase ended. */
    phaseOutcomes: {
      ok: ja ? "完了" : "completed",
      failed: ja ? "未完了で停止" : "stopped unfinished",
      running: ja ? "実行中" : "in progress",
      estimated: ja ? "推定" : "estimated",
    },
    timeAxis: (zone: string, offset: string) =>
      ja ? `時刻（${zone}, ${offset}）` : `time (${zone}, ${offset})`,
    timesIn: (zone: string, offsets: string) => (ja ? `${zone}（${offsets}）` : `${zone} (${offsets})`),
    noPhases: ja ? "記録されたフェーズはありません。" : "No phase was recorded.",
  };
}
