/**
 * One moment in a workflow step's life, from whichever source saw it: Step Functions' events as the
 * drill runs, or the audit trail afterwards (core/report/workflow-phases.ts turns records into marks).
 */
export interface StepMark {
  step: string;
  /** ISO time. */
  at: string;
  /**
   * started: the step was entered (a poll loop enters it again and again); pending: a poll that says
   * "not yet"; done: the step finished; failed: an attempt failed (retried, or ending the run).
   */
  phase: "started" | "pending" | "done" | "failed";
}

export type StepStatus = "succeeded" | "failed" | "pending";

export interface StepSpan {
  step: string;
  startedAt: string;
  endedAt: string;
  /** The verdict of the step's last mark: a retry that succeeded is a success. */
  status: StepStatus;
  seconds: number;
}

/**
 * Poll loops enter a step many times; a person wants one span per step: from its first mark to its
 * last. This is the one place a step's duration is measured, so the drill's terminal lines, its JSON
 * and the incident report cannot disagree about how long a step took. Steps come out in the order they
 * first appear.
 */
export function stepSpans(marks: readonly StepMark[]): StepSpan[] {
  const spans = new Map<string, StepSpan>();
  for (const mark of marks) {
    const span = spans.get(mark.step) ?? {
      step: mark.step,
      startedAt: mark.at,
      endedAt: mark.at,
      status: "pending",
      seconds: 0,
    };
    span.endedAt = mark.at;
    span.seconds = (Date.parse(span.endedAt) - Date.parse(span.startedAt)) / 1000;
    if (mark.phase === "failed") span.status = "failed";
    if (mark.phase === "done") span.status = "succeeded";
    if (mark.phase === "pending") span.status = "pending";
    spans.set(mark.step, span);
  }
  return [...spans.values()];
}
