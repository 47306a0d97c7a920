import type { Plan } from "../plan/schema.js";
import type { AuditRecord } from "../ports/audit.js";
import { type PhaseName, type ReportLanguage, type ReportText, reportText } from "./report-text.js";

/** How a phase ended: closed by its record, stopped by the run ending without it, or still open. */
export type PhaseOutcome = "ok" | "failed" | "running";

export interface ReportPhase {
  name: PhaseName;
  start: string;
  end: string;
  outcome: PhaseOutcome;
}

/**
 * Everything an incident report says, decided once: the Markdown and the HTML renderings only lay it
 * out, so the two can never disagree about a time, a verdict or a phase.
 */
export interface IncidentReportModel {
  language: ReportLanguage;
  text: ReportText;
  /** "shop failover": the report's subject, also the gantt's title. */
  subject: string;
  summary: Array<{ label: string; value: string }>;
  objectives: Array<{
    name: "RTO" | "RPO";
    objective: string;
    achieved: string;
    /** In words; `met` says the same for layouts that colour it. */
    verdict: string;
    met: boolean | undefined;
  }>;
  timeline: Array<{ at: string; clock: string; text: string }>;
  phases: Array<ReportPhase & { label: string; seconds: number }>;
}

interface AcceptedRequest {
  kind?: string;
  sourceRegion?: string;
  targetRegion?: string;
  trigger?: { detectedAt?: string; reason?: string; alarmName?: string };
}

/** The report of one execution, from its audit records alone, so it says nothing the trail cannot show. */
export function incidentReportModel(
  plan: Plan,
  records: readonly AuditRecord[],
  language: ReportLanguage = "en",
): IncidentReportModel {
  const text = reportText(language);
  const ordered = [...records].sort((a, b) => a.at.localeCompare(b.at) || a.seq - b.seq);
  const accepted = ordered.find(isAccepted);
  const request = accepted?.details?.request as AcceptedRequest | undefined;
  const verified = ordered.find((record) => record.action === "recovery.verified");
  const ended = ordered.find(isEnded);
  const rpoEstimate = ordered.find((record) => record.action === "database.rpo-estimate");
  const initiator = ordered.find((record) => record.kind === "evidence" && record.details?.initiator);
  const occurredAt = request?.trigger?.detectedAt ?? accepted?.at ?? ordered[0]?.at ?? "";
  const recoveredAt = verified?.at;
  // rpoSeconds null: the lag was unknown at decision time, which the report says, never as 0.
  const achieved = verified?.details as { rtoSeconds?: number; rpoSeconds?: number | null } | undefined;
  const mode = rpoEstimate?.details?.mode as "switchover" | "failover" | undefined;

  const summary = [
    { label: text.occurredAt, value: formatTime(occurredAt) },
    { label: text.recoveredAt, value: recoveredAt ? formatTime(recoveredAt) : text.notRecovered },
    {
      label: text.duration,
      value: recoveredAt ? text.formatDuration(seconds(occurredAt, recoveredAt)) : "-",
    },
    { label: text.level, value: text.levelOf(request?.kind, mode) },
    {
      label: text.impact,
      value: text.impactOf(
        plan,
        request?.sourceRegion ?? "?",
        request?.targetRegion ?? "?",
        achieved?.rpoSeconds,
        recoveredAt !== undefined,
      ),
    },
    {
      label: text.outcome,
      value: ended ? `${ended.action}${ended.error ? ` (${ended.error.message})` : ""}` : text.inProgress,
    },
    {
      label: text.trigger,
      value: request?.trigger?.alarmName
        ? `alarm ${request.trigger.alarmName}`
        : (request?.trigger?.reason ?? "-"),
    },
    ...(initiator
      ? [{ label: text.initiator, value: `${String(initiator.details?.initiator)} (CloudTrail)` }]
      : []),
  ];

  return {
    language,
    text,
    subject: `${plan.name} ${request?.kind ?? ""}`.trimEnd(),
    summary,
    objectives: [
      objectiveRow("RTO", plan.objectives.rtoMinutes * 60, achieved?.rtoSeconds, text),
      objectiveRow("RPO", plan.objectives.rpoMinutes * 60, achieved?.rpoSeconds, text),
    ],
    timeline: timeline(ordered).map((record) => ({
      at: record.at,
      clock: record.at.slice(11, 16),
      text: text.describe(record),
    })),
    phases: reportPhases(ordered, occurredAt).map((phase) => ({
      ...phase,
      label: text.phaseNames[phase.name],
      seconds: seconds(phase.start, phase.end),
    })),
  };
}

/**
 * The phases of a run, from the records that open and close each: what the gantt draws. A phase that
 * opened but never closed ends where the run ended (it is what stopped the run) or, while the run is
 * still going, at the latest record.
 */
export function reportPhases(records: readonly AuditRecord[], occurredAt: string): ReportPhase[] {
  const first = (predicate: (record: AuditRecord) => boolean) => records.find(predicate);
  const last = (predicate: (record: AuditRecord) => boolean) => [...records].reverse().find(predicate);
  const accepted = first(isAccepted);
  const request = accepted?.details?.request as AcceptedRequest | undefined;
  const ended = first(isEnded);
  // An alarm-started failover holds its signal after it is accepted: detection lasts until the signal is
  // confirmed, or until it cleared, which ends the run before any pre-check.
  const confirmed = first((record) => record.action === "signal.confirmed");
  const cleared = first((record) => record.kind === "execution" && record.action.endsWith(".cleared"));
  const candidates: Array<[PhaseName, string | undefined, AuditRecord | undefined]> = [
    ["detection", occurredAt, confirmed ?? cleared ?? accepted],
    [
      "precheck",
      cleared ? undefined : (confirmed ?? accepted)?.at,
      first((record) => record.action.startsWith("precheck.")),
    ],
    // A plan in approval mode waits for a person after its pre-checks; a rejection ends the run there.
    [
      "approval",
      first((record) => record.action.endsWith(".approval-requested"))?.at,
      first((record) => record.action.endsWith(".approved") || record.action.endsWith(".rejected")),
    ],
    [
      "promotion",
      first((record) => record.action === "database.rpo-estimate")?.at,
      first((record) => record.action === "database.promoted"),
    ],
    // The region being activated scales up; a failback's scale-down of the region it leaves, and an
    // escalation's compensation, are the same call and must not open this phase.
    [
      "scaleUp",
      first(
        (record) =>
          record.kind === "intent" &&
          record.action === "eks:UpdateNodegroupConfig" &&
          record.region === request?.targetRegion &&
          record.details?.compensation !== true,
      )?.at,
      first((record) => record.action === "nodegroups.scaled-up"),
    ],
    [
      "traffic",
      first((record) => record.kind === "intent" && record.action === "route53:ChangeResourceRecordSets")?.at,
      first((record) => record.action === "traffic.switched"),
    ],
    [
      "verification",
      first((record) => record.action === "traffic.switched")?.at,
      first((record) => record.action === "recovery.verified"),
    ],
    // Only a failback scales the region it leaves down; a failover leaves the failed region alone.
    [
      "scaleDown",
      request?.kind === "failback" ? first((record) => record.action === "recovery.verified")?.at : undefined,
      last((record) => record.action === "nodegroups.scaled-down"),
    ],
  ];
  const latest = records.at(-1)?.at;
  return candidates.flatMap(([name, start, closing]): ReportPhase[] => {
    if (!start) return [];
    if (closing)
      return closing.at >= start
        ? [
            {
              name,
              start,
              end: closing.at,
              outcome: closing.outcome === "failed" || closing.action.endsWith(".rejected") ? "failed" : "ok",
            },
          ]
        : [];
    if (ended) return ended.at >= start ? [{ name, start, end: ended.at, outcome: "failed" }] : [];
    return latest && latest >= start ? [{ name, start, end: latest, outcome: "running" }] : [];
  });
}

function isAccepted(record: AuditRecord): boolean {
  return record.kind === "execution" && record.action.endsWith(".accepted");
}

function isEnded(record: AuditRecord): boolean {
  return record.kind === "execution" && !record.action.endsWith(".accepted");
}

function timeline(records: readonly AuditRecord[]): AuditRecord[] {
  return records.filter(
    (record) => record.kind !== "intent" && !(record.kind === "evidence" && !record.details?.initiator),
  );
}

function objectiveRow(
  name: "RTO" | "RPO",
  objective: number,
  achieved: number | null | undefined,
  text: ReportText,
): IncidentReportModel["objectives"][number] {
  const met = achieved === undefined || achieved === null ? undefined : achieved <= objective;
  return {
    name,
    objective: text.formatDuration(objective),
    achieved: achieved === undefined ? "-" : achieved === null ? text.unknown : text.formatDuration(achieved),
    verdict: met === undefined ? "-" : met ? text.met : text.missed,
    met,
  };
}

function seconds(from: string, to: string): number {
  return (new Date(to).getTime() - new Date(from).getTime()) / 1000;
}

function formatTime(iso: string): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : "-";
}
