import type { Plan } from "../plan/schema.js";
import type { AuditRecord } from "../ports/audit.js";
import { type PhaseName, type ReportLanguage, reportText } from "./report-text.js";

export interface ReportPhase {
  name: PhaseName;
  start: string;
  end: string;
}

/**
 * An incident report in the runbooks' template (occurred, recovered, duration, level, impact, timeline,
 * cause for a person to fill in, objectives, gantt of the phases), written from one execution's audit
 * records alone, so the report says nothing the trail cannot show.
 */
export function incidentReport(
  plan: Plan,
  records: readonly AuditRecord[],
  language: ReportLanguage = "en",
): string {
  const text = reportText(language);
  const ordered = [...records].sort((a, b) => a.at.localeCompare(b.at) || a.seq - b.seq);
  const accepted = ordered.find(
    (record) => record.kind === "execution" && record.action.endsWith(".accepted"),
  );
  const request = accepted?.details?.request as
    | {
        kind?: string;
        sourceRegion?: string;
        targetRegion?: string;
        trigger?: { detectedAt?: string; reason?: string; alarmName?: string };
      }
    | undefined;
  const verified = ordered.find((record) => record.action === "recovery.verified");
  const ended = ordered.find((record) => record.kind === "execution" && !record.action.endsWith(".accepted"));
  const rpoEstimate = ordered.find((record) => record.action === "database.rpo-estimate");
  const initiator = ordered.find((record) => record.kind === "evidence" && record.details?.initiator);
  const occurredAt = request?.trigger?.detectedAt ?? accepted?.at ?? ordered[0]?.at ?? "";
  const recoveredAt = verified?.at;
  const achieved = verified?.details as { rtoSeconds?: number; rpoSeconds?: number } | undefined;
  const mode = rpoEstimate?.details?.mode as "switchover" | "failover" | undefined;

  const lines = [
    `# ${text.title}: ${plan.name} ${request?.kind ?? ""}`.trimEnd(),
    "",
    `## ${text.summary}`,
    `- **${text.occurredAt}**: ${formatTime(occurredAt)}`,
    `- **${text.recoveredAt}**: ${recoveredAt ? formatTime(recoveredAt) : text.notRecovered}`,
    `- **${text.duration}**: ${recoveredAt ? text.formatDuration(seconds(occurredAt, recoveredAt)) : "-"}`,
    `- **${text.level}**: ${text.levelOf(request?.kind, mode)}`,
    `- **${text.impact}**: ${text.impactOf(plan, request?.sourceRegion ?? "?", request?.targetRegion ?? "?", achieved?.rpoSeconds)}`,
    `- **${text.outcome}**: ${ended ? `${ended.action}${ended.error ? ` (${ended.error.message})` : ""}` : text.inProgress}`,
    `- **${text.trigger}**: ${request?.trigger?.alarmName ? `alarm ${request.trigger.alarmName}` : (request?.trigger?.reason ?? "-")}`,
    ...(initiator ? [`- **${text.initiator}**: ${String(initiator.details?.initiator)} (CloudTrail)`] : []),
    "",
    `## ${text.objectives}`,
    `| | ${text.objective} | ${text.achieved} | |`,
    "| --- | --- | --- | --- |",
    objectiveRow("RTO", plan.objectives.rtoMinutes * 60, achieved?.rtoSeconds, text),
    objectiveRow("RPO", plan.objectives.rpoMinutes * 60, achieved?.rpoSeconds, text),
    "",
    `## ${text.timeline}`,
    ...timeline(ordered).map((record) => `- ${formatClock(record.at)} - ${text.describe(record)}`),
    "",
    `## ${text.phases}`,
    "```mermaid",
    "gantt",
    `    title ${plan.name} ${request?.kind ?? ""}`.trimEnd(),
    "    dateFormat YYYY-MM-DDTHH:mm:ss",
    "    axisFormat %H:%M",
    ...reportPhases(ordered, occurredAt).map(
      (phase, index) =>
        `    ${text.phaseNames[phase.name]} :p${index}, ${phase.start.slice(0, 19)}, ${Math.max(1, Math.round(seconds(phase.start, phase.end)))}s`,
    ),
    "```",
    "",
    `## ${text.cause}`,
    `### ${text.directCause}`,
    `_${text.toFillIn}_`,
    `### ${text.rootCause}`,
    `_${text.toFillIn}_`,
    `### ${text.contributing}`,
    `_${text.toFillIn}_`,
    "",
  ];
  return lines.join("\n");
}

/** The phases of a run, from the records that open and close each: what the gantt draws. */
export function reportPhases(records: readonly AuditRecord[], occurredAt: string): ReportPhase[] {
  const at = (predicate: (record: AuditRecord) => boolean) => records.find(predicate)?.at;
  const last = (predicate: (record: AuditRecord) => boolean) => [...records].reverse().find(predicate)?.at;
  const accepted = at((record) => record.kind === "execution" && record.action.endsWith(".accepted"));
  const candidates: Array<[ReportPhase["name"], string | undefined, string | undefined]> = [
    ["detection", occurredAt, accepted],
    ["precheck", accepted, at((record) => record.action.startsWith("precheck."))],
    [
      "promotion",
      at((record) => record.action === "database.rpo-estimate"),
      at((record) => record.action === "database.promoted"),
    ],
    [
      "scaleUp",
      at((record) => record.kind === "intent" && record.action === "eks:UpdateNodegroupConfig"),
      at((record) => record.action === "nodegroups.scaled-up"),
    ],
    [
      "traffic",
      at((record) => record.kind === "intent" && record.action === "route53:ChangeResourceRecordSets"),
      at((record) => record.action === "traffic.switched"),
    ],
    [
      "verification",
      at((record) => record.action === "traffic.switched"),
      at((record) => record.action === "recovery.verified"),
    ],
    [
      "scaleDown",
      at((record) => record.action === "recovery.verified"),
      last((record) => record.action === "nodegroups.scaled-down"),
    ],
  ];
  return candidates.flatMap(([name, start, end]) =>
    start && end && end >= start ? [{ name, start, end }] : [],
  );
}

function timeline(records: readonly AuditRecord[]): AuditRecord[] {
  return records.filter(
    (record) => record.kind !== "intent" && !(record.kind === "evidence" && !record.details?.initiator),
  );
}

function objectiveRow(
  name: string,
  objective: number,
  achieved: number | undefined,
  text: ReturnType<typeof reportText>,
) {
  const met = achieved === undefined ? "-" : achieved <= objective ? text.met : text.missed;
  return `| ${name} | ${text.formatDuration(objective)} | ${achieved === undefined ? "-" : text.formatDuration(achieved)} | ${met} |`;
}

function seconds(from: string, to: string): number {
  return (new Date(to).getTime() - new Date(from).getTime()) / 1000;
}

function formatTime(iso: string): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : "-";
}

function formatClock(iso: string): string {
  return iso.slice(11, 16);
}
