import type { Plan } from "../plan/schema.js";
import { formatDuration } from "../report/durations.js";
import type { ReportLanguage } from "../report/language.js";
import type { OutageStart } from "../report/outage-start.js";
import type { RunFacts } from "../report/run-facts.js";
import type { IncidentReportModel } from "./incident-report-model.js";
import type { ReportText } from "./report-text.js";

/**
 * The objectives against what the run achieved: RTO as the workflow measured it (from detection, or
 * from the request for a run started by hand), RTO from the outage's estimated start where there is
 * one, and RPO: what the promotion may have lost, or nothing when nothing was promoted.
 */
export function objectiveRows(
  plan: Plan,
  facts: RunFacts,
  start: OutageStart,
  text: ReportText,
  language: ReportLanguage,
): IncidentReportModel["objectives"] {
  const rto = plan.objectives.rtoMinutes * 60;
  const rpo = plan.objectives.rpoMinutes * 60;
  const duration = (seconds: number) => formatDuration(seconds, language);
  const row = (name: string, objective: number, achieved: number | undefined, unmet: string) => {
    const met = achieved === undefined ? undefined : achieved <= objective;
    return {
      name,
      objective: duration(objective),
      achieved: achieved === undefined ? unmet : duration(achieved),
      verdict: met === undefined ? text.undetermined : met ? text.met : text.missed,
      met,
    };
  };
  const notRecovered = language === "ja" ? "未復旧" : "not recovered";
  const recovered = facts.outcome.kind === "succeeded" ? facts.verified : undefined;
  const manual = facts.request?.trigger.type === "manual";
  const rows = [
    row(manual ? text.rtoFromRequest : text.rtoFromDetection, rto, recovered?.rtoSeconds, notRecovered),
  ];
  if (start.kind === "estimated" && facts.kind !== "failback") {
    const fromStart = recovered ? (Date.parse(recovered.at) - Date.parse(start.at)) / 1000 : undefined;
    rows.push(row(text.rtoFromStart, rto, fromStart, notRecovered));
  }
  const promoted = facts.records.some(
    (record) =>
      record.kind === "outcome" &&
      record.outcome === "ok" &&
      /^rds:(Failover|Switchover)GlobalCluster$/.test(record.action),
  );
  const lag =
    recovered?.rpoSeconds !== undefined ? recovered.rpoSeconds : facts.promotion?.rpoEstimateSeconds;
  if (!promoted) {
    rows.push({
      ...row(text.rpo, rpo, 0, ""),
      achieved: language === "ja" ? "0秒（昇格なし）" : "0 s (nothing was promoted)",
    });
  } else if (lag === null) {
    rows.push({
      name: text.rpo,
      objective: duration(rpo),
      achieved: language === "ja" ? "不明（遅延が読めなかった）" : "unknown (the lag could not be read)",
      verdict: text.undetermined,
      met: undefined,
    });
  } else {
    rows.push(row(text.rpo, rpo, lag, text.undetermined));
  }
  return rows;
}
