import { formatDuration } from "./durations.js";
import type { ReportLanguage, Said } from "./language.js";
import type { OutageStart } from "./outage-start.js";
import type { RunFacts, RunOutcome } from "./run-facts.js";
import { both, type SentenceContext } from "./sentence-parts.js";

export type TimeLabel =
  | "occurred"
  | "detected"
  | "recovered"
  | "impact"
  | "started"
  | "completed"
  | "duration";

export interface TimeRow {
  label: TimeLabel;
  value: Said;
  /** The instant the row names, for layouts that mark times up (HTML's <time>). */
  at?: string;
}

/**
 * 発生日時 / 検知日時 / 復旧日時 and the impact time, or for a failback (planned, not an outage) when it
 * started and finished. The impact time runs from the outage's estimated start when there is one, so the
 * minutes before the alarm saw the outage are counted; the notes say how the start was estimated.
 */
export function incidentTimes(
  facts: RunFacts,
  start: OutageStart,
  context: SentenceContext,
): { rows: TimeRow[]; notes: Said[] } {
  const at = (iso: string) => context.clock.dateTime(iso);
  const recovered = facts.outcome.kind === "succeeded" ? facts.verified?.at : undefined;
  const outcome = facts.outcome;
  if (outcome.kind === "refused" && outcome.stage === "request") {
    // Nothing was accepted, so nothing began: the refusal is the one time the trail holds.
    return {
      rows: [
        {
          label: facts.kind === "failback" ? "started" : "detected",
          value: both((l) =>
            l === "ja"
              ? `開始していない（${at(outcome.at)} に要求を拒否）`
              : `not started: the request was refused at ${at(outcome.at)}`,
          ),
          at: outcome.at,
        },
      ],
      notes: [],
    };
  }
  if (facts.kind === "failback") {
    const began = facts.request?.trigger.detectedAt ?? facts.acceptedAt;
    const ended = facts.outcome.kind === "succeeded" ? facts.outcome.at : undefined;
    return {
      rows: [
        ...(began ? [{ label: "started" as const, value: both(() => at(began)), at: began }] : []),
        ended
          ? { label: "completed", value: both(() => at(ended)), at: ended }
          : { label: "completed", value: notFinished(facts.outcome) },
        ...(began && ended
          ? [
              {
                label: "duration" as const,
                value: both((l) => formatDuration(secondsBetween(began, ended), l)),
              },
            ]
          : []),
      ],
      notes: [],
    };
  }
  const detectedAt = "detectedAt" in start ? start.detectedAt : undefined;
  const from = start.kind === "estimated" ? start.at : detectedAt;
  const rows: TimeRow[] = [
    start.kind === "estimated"
      ? { label: "occurred", value: both(() => at(start.at)), at: start.at }
      : { label: "occurred", value: notEstimated(start) },
    detectedAt
      ? {
          label: "detected",
          value: both(
            (l) =>
              `${at(detectedAt)} ${
                start.kind === "manual"
                  ? l === "ja"
                    ? "（手動で依頼）"
                    : "(asked for by hand)"
                  : l === "ja"
                    ? "（アラームが ALARM に変化）"
                    : "(the alarm entered ALARM)"
              }`,
          ),
          at: detectedAt,
        }
      : { label: "detected", value: both((l) => (l === "ja" ? "記録なし" : "not recorded")) },
    recovered
      ? { label: "recovered", value: both(() => at(recovered)), at: recovered }
      : facts.outcome.kind === "cleared"
        ? {
            label: "recovered",
            value: both((l) =>
              l === "ja"
                ? "該当なし（アラームが解除され、切替は不要だった）"
                : "not applicable: the alarm cleared and no switch was needed",
            ),
          }
        : { label: "recovered", value: notRecovered(facts) },
    { label: "impact", value: impactTime(facts, start, from, recovered) },
  ];
  return { rows, notes: facts.outcome.kind === "cleared" ? [] : estimateNotes(start, context) };
}

function impactTime(
  facts: RunFacts,
  start: OutageStart,
  from: string | undefined,
  recovered: string | undefined,
): Said {
  if (facts.outcome.kind === "cleared")
    return both((l) => (l === "ja" ? "障害は確認されなかった" : "no outage was confirmed"));
  if (!from)
    return both((l) =>
      l === "ja" ? "算出できない（開始時刻の記録なし）" : "not computable: no start was recorded",
    );
  const beforeDetection = start.kind === "estimated" ? secondsBetween(start.at, start.detectedAt) : undefined;
  const part = (l: ReportLanguage) =>
    beforeDetection === undefined
      ? ""
      : l === "ja"
        ? `（うち検知まで ${formatDuration(beforeDetection, l)}）`
        : ` (${formatDuration(beforeDetection, l)} of it before detection)`;
  if (recovered) return both((l) => `${formatDuration(secondsBetween(from, recovered), l)}${part(l)}`);
  const last = facts.lastAt;
  if (!last || last < from) return notRecovered(facts);
  const until: Said =
    facts.outcome.kind === "inProgress"
      ? both((l) => (l === "ja" ? "最後の記録" : "up to the last record"))
      : both((l) => (l === "ja" ? "実行の終了" : "until the run ended"));
  return both((l) =>
    l === "ja"
      ? `少なくとも ${formatDuration(secondsBetween(from, last), l)}${part(l)}。${until[l]}の時点で未復旧`
      : `at least ${formatDuration(secondsBetween(from, last), l)}${part(l)}, ${until[l]} without recovery`,
  );
}

function notRecovered(facts: RunFacts): Said {
  const why: Record<RunOutcome["kind"], Said> = {
    succeeded: both((l) => (l === "ja" ? "復旧確認の記録なし" : "no verification recorded")),
    refused:
      facts.outcome.kind === "refused" && facts.outcome.stage === "request"
        ? both((l) => (l === "ja" ? "開始前に拒否された" : "it was refused before it started"))
        : both((l) => (l === "ja" ? "事前チェックで停止した" : "it stopped at its pre-checks")),
    cleared: both((l) =>
      l === "ja" ? "アラームが解除され、切替は不要だった" : "the alarm cleared; no switch was needed",
    ),
    notApproved: both((l) => (l === "ja" ? "承認されなかった" : "it was not approved")),
    escalated: both((l) =>
      l === "ja" ? "途中で停止し、担当者に引き継いだ" : "it stopped half-way and was handed to a person",
    ),
    inProgress: both((l) => (l === "ja" ? "実行中" : "still running")),
  };
  const reason = why[facts.outcome.kind];
  return both((l) =>
    l === "ja" ? `この実行では復旧していない（${reason[l]}）` : `not recovered by this run (${reason[l]})`,
  );
}

function notFinished(outcome: RunOutcome): Said {
  return outcome.kind === "inProgress"
    ? both((l) => (l === "ja" ? "実行中" : "still running"))
    : both((l) => (l === "ja" ? "完了していない" : "did not finish"));
}

function notEstimated(start: OutageStart): Said {
  switch (start.kind) {
    case "manual":
      return both((l) =>
        l === "ja"
          ? "推定できない（手動で開始されたため、障害の開始時刻は記録にない）"
          : "not estimated: the run was started by hand, and the outage's start is not in the records",
      );
    case "window-unknown":
      return both((l) =>
        l === "ja"
          ? `推定できない（アラーム ${start.alarm.name} は計画の外で管理されており、評価期間が分からない）`
          : `not estimated: alarm ${start.alarm.name} is managed outside the plan, so its evaluation window is unknown`,
      );
    default:
      return both((l) => (l === "ja" ? "記録なし" : "not recorded"));
  }
}

function estimateNotes(start: OutageStart, context: SentenceContext): Said[] {
  if (start.kind === "window-unknown")
    return [
      both((l) =>
        l === "ja"
          ? "影響時間は検知日時から数えているため、利用者が受けた影響より短い。計画でアラームを作成させる（triggers.alarms[].create）と、発生日時を推定できる。"
          : "The impact time runs from detection, so it is shorter than what users saw. A plan that creates its alarm (triggers.alarms[].create) lets the report estimate the start.",
      ),
    ];
  if (start.kind !== "estimated") return [];
  const { periodSeconds, evaluationPeriods } = start.window;
  const window = periodSeconds * evaluationPeriods;
  const where =
    start.window.source === "plan"
      ? both((l) => (l === "ja" ? "計画の triggers.alarms[].create " : "the plan's triggers.alarms[].create"))
      : both((l) => (l === "ja" ? "実行の要求に記録された値" : "the run's recorded request"));
  const changed = context.clock.dateTime(start.detectedAt);
  return [
    both((l) =>
      l === "ja"
        ? `発生日時は推定値: アラーム ${start.alarm.name}（${start.alarm.region}）は、メトリクスが ${formatDuration(periodSeconds, l)} × ${evaluationPeriods} 期間続けて閾値を超えてはじめて ALARM になるため、障害はアラームの状態変化（${changed}）の遅くとも ${formatDuration(window, l)}前に始まっていたとした（数値は${where[l]}による）。メトリクスに障害が現れるまでの時間の分、実際の発生はさらに早い可能性がある。影響時間はこの推定時刻から数えている。`
        : `The outage start is an estimate: alarm ${start.alarm.name} (${start.alarm.region}) enters ALARM only after its metric breaches for ${evaluationPeriods === 1 ? "one period" : `${evaluationPeriods} periods`} of ${formatDuration(periodSeconds, l)}, so the outage began at the latest ${formatDuration(window, l)} before its state change at ${changed} (figures from ${where[l]}). It may have begun earlier by however long the metric took to show the failure. The impact time runs from this estimate.`,
    ),
  ];
}

function secondsBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 1000;
}
