import type { AuditRecord } from "../ports/audit.js";
import { isAccepted, isRunEnd, type WorkflowKind } from "./run-facts.js";
import { type StepMark, type StepStatus, stepSpans } from "./step-spans.js";

export const PHASE_NAMES = [
  "detection",
  "precheck",
  "approval",
  "promotion",
  "scaleUp",
  "traffic",
  "verification",
  "scaleDown",
] as const;

export type PhaseName = (typeof PHASE_NAMES)[number];

/** How a phase ended: closed by its record, stopped by the run ending without it, or still open. */
export type PhaseOutcome = "ok" | "failed" | "running";

export interface ReportPhase {
  name: PhaseName;
  start: string;
  end: string;
  outcome: PhaseOutcome;
  seconds: number;
}

type Step = PhaseName;

/**
 * What each phase waits for, as the state machines run them (stepfunctions/*-definition.ts): Step
 * Functions enters a step the moment the last step before it reports done, and each step writes its
 * closing record as it reports done, so the record that closes one step is the start of the next. That
 * is how the trail alone gives the same step times as Step Functions' own events (the drill's terminal).
 */
function predecessors(kind: WorkflowKind, present: (step: Step) => boolean): Array<[Step, Step[]]> {
  if (kind === "failback") {
    return [
      ["precheck", []],
      ["scaleUp", ["precheck"]],
      ["promotion", ["scaleUp"]],
      ["traffic", ["promotion"]],
      ["verification", ["traffic"]],
      ["scaleDown", ["verification"]],
    ];
  }
  const beforeRecovery: Step = present("approval") ? "approval" : "precheck";
  return [
    ...(present("detection") ? ([["detection", []]] as Array<[Step, Step[]]>) : []),
    ["precheck", present("detection") ? ["detection"] : []],
    ...(present("approval") ? ([["approval", ["precheck"]]] as Array<[Step, Step[]]>) : []),
    ["promotion", [beforeRecovery]],
    ["scaleUp", [beforeRecovery]],
    ["traffic", ["promotion", "scaleUp"]],
    ["verification", ["traffic"]],
  ];
}

/**
 * The phases of one run, from its records: what the gantt draws and what the drill's terminal lines
 * measure (both through stepSpans). A phase that started but never closed ends where the run's end was
 * recorded (it is what stopped the run) or, while the run is still going, at the latest record.
 */
export function reportPhases(records: readonly AuditRecord[]): ReportPhase[] {
  const ordered = [...records].sort((a, b) => a.at.localeCompare(b.at) || a.seq - b.seq);
  const accepted = ordered.find(isAccepted);
  if (!accepted) return [];
  const kind: WorkflowKind = accepted.action.startsWith("failback.") ? "failback" : "failover";
  const closings = closingRecords(ordered);
  const opened = (step: Step) =>
    step === "detection"
      ? ordered.some((record) => record.action === "signal.confirmed" || isCleared(record))
      : step === "approval"
        ? ordered.some((record) => /^(failover|failback)\.approval-requested$/.test(record.action))
        : true;
  const end = ordered.find(isRunEnd);
  // CloudTrail's evidence arrives minutes after the calls it witnesses: not a sign of the run's progress.
  const latest = ordered.filter((record) => record.kind !== "evidence").at(-1)?.at ?? accepted.at;
  const order = predecessors(kind, opened);
  const showsProgress = (step: Step) => ordered.some((record) => STARTED_BY[step](record));
  // A step that found nothing to do finishes on its first call and writes no closing record; the run
  // going on past it (or succeeding) says it finished, at once.
  const wentPast = (step: Step): boolean =>
    end?.action.endsWith(".succeeded") === true ||
    order.some(([later, before]) => before.includes(step) && (showsProgress(later) || wentPast(later)));
  const finished = new Map<Step, { at: string; passed: boolean }>();
  const marks: StepMark[] = [];
  for (const [step, before] of order) {
    const start = startOf(before, finished, accepted.at);
    if (start === undefined) continue;
    const closing = closings[step];
    const finish = closing
      ? { at: closing.at, phase: failed(closing) ? ("failed" as const) : ("done" as const) }
      : wentPast(step)
        ? { at: start, phase: "done" as const }
        : end
          ? { at: end.at, phase: "failed" as const }
          : { at: latest, phase: "pending" as const };
    if (finish.at < start) continue;
    finished.set(step, {
      at: finish.at,
      passed: finish.phase === "done" && (closing === undefined || passes(closing)),
    });
    marks.push({ step, at: start, phase: "started" }, { step, ...finish });
  }
  return stepSpans(marks)
    .map((span) => ({
      name: span.step as Step,
      start: span.startedAt,
      end: span.endedAt,
      outcome: OUTCOMES[span.status],
      seconds: span.seconds,
    }))
    .sort(
      (a, b) => a.start.localeCompare(b.start) || PHASE_NAMES.indexOf(a.name) - PHASE_NAMES.indexOf(b.name),
    );
}

/** Records only a step itself writes, as it works: proof that the step began. */
const STARTED_BY: Record<Step, (record: AuditRecord) => boolean> = {
  detection: (record) => record.action === "signal.confirmed" || isCleared(record),
  precheck: (record) => record.action.startsWith("precheck."),
  approval: (record) => /\.approval-requested$/.test(record.action) && !record.action.startsWith("database."),
  promotion: (record) => record.action.startsWith("database.") || record.action.startsWith("rds:"),
  scaleUp: (record) => record.action === "nodegroups.scaled-up",
  traffic: (record) =>
    record.action === "traffic.switched" || record.action === "route53:ChangeResourceRecordSets",
  verification: (record) => record.action === "recovery.verified",
  scaleDown: (record) => record.action === "nodegroups.scaled-down",
};

const OUTCOMES: Record<StepStatus, PhaseOutcome> = { succeeded: "ok", failed: "failed", pending: "running" };

/** A step starts once every step before it has passed; one that did not pass stopped the run there. */
function startOf(
  before: readonly Step[],
  finished: ReadonlyMap<Step, { at: string; passed: boolean }>,
  acceptedAt: string,
): string | undefined {
  let start = acceptedAt;
  for (const step of before) {
    const done = finished.get(step);
    if (!done?.passed) return undefined;
    if (done.at > start) start = done.at;
  }
  return start;
}

function closingRecords(records: readonly AuditRecord[]): Partial<Record<Step, AuditRecord>> {
  const first = (predicate: (record: AuditRecord) => boolean) => records.find(predicate);
  const found: Partial<Record<Step, AuditRecord | undefined>> = {
    detection: first((record) => record.action === "signal.confirmed" || isCleared(record)),
    precheck: first((record) => record.action === "precheck.passed" || record.action === "precheck.failed"),
    approval: first(
      (record) =>
        record.kind === "decision" &&
        /^(failover|failback)\.(approved|rejected)$/.test(record.action) &&
        record.details?.approver !== undefined,
    ),
    promotion: first((record) => record.action === "database.promoted"),
    scaleUp: first((record) => record.action === "nodegroups.scaled-up"),
    traffic: first((record) => record.action === "traffic.switched"),
    verification: first((record) => record.action === "recovery.verified"),
    // A failback scales the region it leaves down last; the last record of it closes the phase.
    scaleDown: [...records].reverse().find((record) => record.action === "nodegroups.scaled-down"),
  };
  return Object.fromEntries(Object.entries(found).filter(([, record]) => record !== undefined));
}

/** A step that ended in a failed check or a person's no; a flap ends the hold, which did its job. */
function failed(record: AuditRecord): boolean {
  return record.outcome === "failed" || record.action.endsWith(".rejected");
}

/** A closing record that lets the run go on: the step passed, and it was not the alarm clearing. */
function passes(record: AuditRecord): boolean {
  return !failed(record) && !isCleared(record);
}

function isCleared(record: AuditRecord): boolean {
  return record.kind === "execution" && /^(failover|failback)\.cleared$/.test(record.action);
}
