import type { Plan } from "../plan/schema.js";
import type { AuditRecord } from "../ports/audit.js";
import { directCauseSaid, doneSaid, nextSaid } from "../report/handover-sentences.js";
import { impactSaid } from "../report/impact-sentences.js";
import { incidentTimes, type TimeLabel } from "../report/incident-times.js";
import type { ReportLanguage, Said } from "../report/language.js";
import { type OutageStart, outageStart } from "../report/outage-start.js";
import { regionTimeZone } from "../report/region-time-zones.js";
import { type RunFacts, runFacts } from "../report/run-facts.js";
import { kindWord, type SentenceContext } from "../report/sentence-parts.js";
import {
  levelSaid,
  outcomeSaid,
  respondersSaid,
  serviceSaid,
  triggerSaid,
} from "../report/summary-sentences.js";
import { timeline } from "../report/timeline.js";
import { trafficSeen } from "../report/traffic-seen.js";
import { reportPhases as phasesOf, type ReportPhase } from "../report/workflow-phases.js";
import { type ZonedClock, zonedClock } from "../report/zoned-time.js";
import { objectiveRows } from "./incident-report-objectives.js";
import { type ChartPhase, type ReportText, reportText } from "./report-text.js";

export type { PhaseOutcome, ReportPhase } from "../report/workflow-phases.js";

/** How a gantt bar ended; "estimated" is the outage before its alarm saw it, which no record closes. */
export type ChartOutcome = ReportPhase["outcome"] | "estimated";

export interface ReportOptions {
  language?: ReportLanguage;
  /** An IANA zone; by default the local time of the plan's home region (Asia/Tokyo for ap-northeast-1). */
  timeZone?: string;
  /** When the report is written (its 作成日), from the caller's clock: the builder reads no clock itself. */
  createdAt?: string;
  /** Who hands the report on (報告者); left for a person to fill in when absent. */
  reporter?: string;
}

export interface ReportField {
  label: string;
  value: string;
  /** The instant the value names, for layouts that mark times up. */
  at?: string;
}

/**
 * Everything an incident report says, decided once: the Markdown and the HTML renderings only lay it
 * out, so the two can never disagree about a time, a verdict or a phase.
 */
export interface IncidentReportModel {
  language: ReportLanguage;
  text: ReportText;
  /** "shop failover (ap-northeast-1 → ap-southeast-1)": the report's subject, also the gantt's title. */
  subject: string;
  timeZone: { zone: string; offsets: string[]; label: string };
  header: ReportField[];
  summary: ReportField[];
  times: ReportField[];
  /** How the outage's start was estimated, or why it was not. */
  timeNotes: string[];
  impact: string[];
  timeline: Array<{ at: string; clock: string; text: string; evidence: string[] }>;
  directCause: string[];
  interim: { done: string[]; next: string[] };
  objectives: Array<{
    name: string;
    objective: string;
    achieved: string;
    /** In words; `met` says the same for layouts that colour it. */
    verdict: string;
    met: boolean | undefined;
  }>;
  phases: Array<{
    name: ChartPhase;
    label: string;
    start: string;
    end: string;
    outcome: ChartOutcome;
    seconds: number;
    /** The wall-clock start in the report's zone, "2026-01-01T09:01:30": what Mermaid lays out. */
    wallStart: string;
  }>;
  /** Turns an instant into the report zone's wall-clock milliseconds, for the chart's axis. */
  wallMs(ms: number): number;
  axisLabel: string;
}

/**
 * The report of one execution, from its audit records and the plan alone: a pure function, so it can
 * run wherever the records are (the CLI, the drill, or a Lambda at the end of a run) and says nothing
 * the trail cannot show.
 */
export function incidentReportModel(
  plan: Plan,
  records: readonly AuditRecord[],
  options: ReportOptions = {},
): IncidentReportModel {
  const language = options.language ?? "en";
  const text = reportText(language);
  const clock = zonedClock(options.timeZone ?? regionTimeZone(plan.activeRegion));
  const facts = runFacts(records);
  const context: SentenceContext = {
    plan,
    clock,
    ...(facts.request ? { request: facts.request } : {}),
    ...(facts.kind ? { kind: facts.kind } : {}),
  };
  // Reasons and evidence keep the system's words, but a time inside them is shown like every other.
  const pick = (said: Said) => zonedInstants(said[language], clock);
  const start = facts.kind === "failback" ? ({ kind: "manual" } as const) : outageStart(plan, facts.request);
  const traffic = trafficSeen(plan, facts.records);
  const times = incidentTimes(facts, start, context);
  const entries = timeline(facts.records, context);
  const phases = chartPhases(facts, start, text, clock);
  const shown = [
    ...entries.map((entry) => entry.at),
    ...times.rows.flatMap((row) => (row.at ? [row.at] : [])),
    ...(options.createdAt ? [options.createdAt] : []),
  ];
  const offsets = [...new Set(shown.map((at) => clock.parts(at).offset))];
  // A report with no time in it still names its zone's (standard) offset.
  if (offsets.length === 0) offsets.push(clock.parts(new Date(0).toISOString()).offset);
  const zoneLabel = text.timesIn(clock.zone, offsets.join(" / "));

  return {
    language,
    text,
    subject: subjectOf(plan, facts, language),
    timeZone: { zone: clock.zone, offsets, label: zoneLabel },
    header: [
      ...(options.createdAt
        ? [{ label: text.createdAt, value: clock.dateTime(options.createdAt), at: options.createdAt }]
        : []),
      { label: text.reporter, value: options.reporter ?? text.toFillIn },
      { label: text.responders, value: pick(respondersSaid(facts)) },
      { label: text.timeZone, value: zoneLabel },
    ],
    summary: [
      { label: text.outcome, value: pick(outcomeSaid(facts, context)) },
      { label: text.level, value: pick(levelSaid(facts)) },
      { label: text.trigger, value: pick(triggerSaid(facts, context)) },
      { label: text.service, value: pick(serviceSaid(plan)) },
    ],
    times: times.rows.map((row) => ({
      label: TIME_LABELS[row.label](text),
      value: pick(row.value),
      ...(row.at ? { at: row.at } : {}),
    })),
    timeNotes: times.notes.map(pick),
    impact: impactSaid(plan, facts, traffic, context).map(pick),
    timeline: withDates(entries, clock).map(({ entry, clock: shownAt }) => ({
      at: entry.at,
      clock: shownAt,
      text: pick(entry.said),
      evidence: entry.evidence.map(
        (item) => `${item.kind === "request" ? text.evidenceRequest : text.evidenceCloudTrail} ${item.id}`,
      ),
    })),
    directCause: directCauseSaid(facts, context).map(pick),
    interim: { done: doneSaid(facts, traffic).map(pick), next: nextSaid(plan, facts).map(pick) },
    objectives: objectiveRows(plan, facts, start, text, language),
    phases,
    wallMs: clock.wallMs,
    axisLabel: text.timeAxis(clock.zone, offsets.join(" / ")),
  };
}

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b/g;

function zonedInstants(text: string, clock: ZonedClock): string {
  return text.replace(ISO_INSTANT, (iso) => clock.dateTime(iso));
}

/** The phases of a run from its records (see core/report/workflow-phases.ts). */
export function reportPhases(records: readonly AuditRecord[], _since?: string): ReportPhase[] {
  return phasesOf(records);
}

const TIME_LABELS: Record<TimeLabel, (text: ReportText) => string> = {
  occurred: (text) => text.occurredAt,
  detected: (text) => text.detectedAt,
  recovered: (text) => text.recoveredAt,
  impact: (text) => text.impactTime,
  started: (text) => text.startedAt,
  completed: (text) => text.completedAt,
  duration: (text) => text.duration,
};

function subjectOf(plan: Plan, facts: RunFacts, language: ReportLanguage): string {
  const base = `${plan.name} ${facts.kind ? kindWord(facts.kind, language) : ""}`.trimEnd();
  if (!facts.request) return base;
  const route = `${facts.request.sourceRegion} → ${facts.request.targetRegion}`;
  return language === "ja" ? `${base}（${route}）` : `${base} (${route})`;
}

/** The timeline's clock column: the date on the first entry and wherever the day changes, else the time. */
function withDates<T extends { at: string }>(entries: readonly T[], clock: ZonedClock) {
  let day = "";
  return entries.map((entry) => {
    const { date, time } = clock.parts(entry.at);
    const shown = date === day ? time : `${date} ${time}`;
    day = date;
    return { entry, clock: shown };
  });
}

function chartPhases(
  facts: RunFacts,
  start: OutageStart,
  text: ReportText,
  clock: ZonedClock,
): IncidentReportModel["phases"] {
  const wall = (iso: string) => new Date(clock.wallMs(Date.parse(iso))).toISOString().slice(0, 19);
  const outage =
    start.kind === "estimated"
      ? [
          {
            name: "outage" as const,
            start: start.at,
            end: start.detectedAt,
            outcome: "estimated" as const,
            seconds: (Date.parse(start.detectedAt) - Date.parse(start.at)) / 1000,
          },
        ]
      : [];
  return [...outage, ...phasesOf(facts.records)].map((phase) => ({
    ...phase,
    label: text.phaseNames[phase.name],
    wallStart: wall(phase.start),
  }));
}
