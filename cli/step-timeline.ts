import type { HistoryEvent } from "@aws-sdk/client-sfn";
import type { StepMark } from "../core/report/step-spans.js";

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED" | "TIMED_OUT";

/**
 * running: its function is being invoked; waiting: between two polls of a polling step, or paused on a
 * task token; retrying: it failed and Step Functions may try again or catch it; then how it ended.
 */
export type StepState = "running" | "waiting" | "retrying" | "succeeded" | "failed";

export interface StepProgress {
  name: string;
  state: StepState;
  startedAt: Date;
  endedAt?: Date;
  /** The step said it did not do what it checks (a pre-check's `ok: false`). */
  negative?: boolean;
  /** How it went, when its result says: "switchover", "failover". */
  note?: string;
  /** The last failure, as "ErrorName: message". */
  error?: string;
}

/** What changed with the events just read: one entry per line a piped view prints. */
export type StepChange =
  | { kind: "started"; step: StepProgress; at: Date }
  | { kind: "succeeded"; step: StepProgress; at: Date }
  | { kind: "failed"; step: StepProgress; at: Date; error: string }
  | { kind: "ended"; at: Date };

export interface ExecutionProgress {
  executionArn: string;
  status: ExecutionStatus;
  startedAt?: Date;
  endedAt?: Date;
  /** The execution's input, as it was started. */
  input?: unknown;
  error?: string;
  cause?: string;
  steps: StepProgress[];
  /** Each step's moments, as core/report/step-spans.ts measures steps for the drill and the reports. */
  marks: StepMark[];
  /** Task states whose function was invoked and has not returned: a step doing work right now. */
  inFlight: string[];
  /** Those still in flight when the execution ended: a stop does not stop a function already running. */
  inFlightAtEnd: string[];
  /**
   * The workflow's whole state (request, execution, the steps' results) as a state last entered or left
   * it, and that state's name: what the workflow's escalation would be handed at that point.
   */
  lastState?: { name: string; document: Record<string, unknown> };
}

/** Results of polling steps that mean "not yet": the step will be called again after a Wait. */
const NOT_YET = new Set(["pending", "ask"]);

const ENDED: Partial<Record<string, ExecutionStatus>> = {
  ExecutionSucceeded: "SUCCEEDED",
  ExecutionFailed: "FAILED",
  ExecutionAborted: "ABORTED",
  ExecutionTimedOut: "TIMED_OUT",
};

/**
 * Folds an execution's history events into one line per step, as the drill prints them: a polling step
 * (entered again after each Wait) is one step from its first call until its result says done. Events of
 * a Task are matched to their state through `previousEventId`, which is how Step Functions links the
 * events of each Parallel branch.
 */
export class StepTimeline {
  readonly progress: ExecutionProgress;
  private readonly stateOfEvent = new Map<number, string>();
  private readonly inFlight = new Set<string>();

  constructor(executionArn: string) {
    this.progress = {
      executionArn,
      status: "RUNNING",
      steps: [],
      marks: [],
      inFlight: [],
      inFlightAtEnd: [],
    };
  }

  apply(events: readonly HistoryEvent[]): StepChange[] {
    const changes: StepChange[] = [];
    for (const event of events) changes.push(...this.applyOne(event));
    this.progress.inFlight = [...this.inFlight];
    return changes;
  }

  private applyOne(event: HistoryEvent): StepChange[] {
    const at = event.timestamp ?? new Date(0);
    const id = event.id ?? 0;
    const type = event.type ?? "";
    if (type === "ExecutionStarted") {
      this.progress.startedAt = at;
      this.progress.input = parseJson(event.executionStartedEventDetails?.input);
      return [];
    }
    const ended = ENDED[type];
    if (ended) {
      const details =
        event.executionFailedEventDetails ??
        event.executionAbortedEventDetails ??
        event.executionTimedOutEventDetails;
      this.progress.inFlightAtEnd = [...this.inFlight];
      // A failure the run did not retry was caught, or ended it.
      for (const step of this.progress.steps) {
        if (step.state === "retrying") Object.assign(step, { state: "failed", endedAt: step.endedAt ?? at });
      }
      Object.assign(this.progress, {
        status: ended,
        endedAt: at,
        ...(details?.error ? { error: details.error } : {}),
        ...(details?.cause ? { cause: details.cause } : {}),
      });
      this.inFlight.clear();
      return [{ kind: "ended", at }];
    }
    this.keepState(event);
    if (type === "TaskStateEntered") {
      const name = event.stateEnteredEventDetails?.name ?? "?";
      this.stateOfEvent.set(id, name);
      this.mark(name, "started", at);
      const step = this.current(name);
      if (step && (step.state === "waiting" || step.state === "retrying" || step.state === "running")) {
        step.state = "running";
        return [];
      }
      const started: StepProgress = { name, state: "running", startedAt: at };
      this.progress.steps.push(started);
      return [{ kind: "started", step: started, at }];
    }
    const name = this.stateOfEvent.get(event.previousEventId ?? -1);
    if (name === undefined) return [];
    this.stateOfEvent.set(id, name);
    const step = this.current(name);
    if (!step) return [];
    switch (type) {
      case "LambdaFunctionScheduled":
      case "TaskScheduled":
        this.inFlight.add(name);
        step.state = "running";
        return [];
      case "TaskSubmitted":
        // The function that a token-waiting Task invokes has returned; the Task now waits for its answer.
        this.inFlight.delete(name);
        step.state = "waiting";
        return [];
      case "LambdaFunctionSucceeded":
      case "TaskSucceeded": {
        this.inFlight.delete(name);
        const output = parseJson(
          event.lambdaFunctionSucceededEventDetails?.output ?? event.taskSucceededEventDetails?.output,
        ) as { status?: unknown; ok?: unknown; mode?: unknown } | undefined;
        if (typeof output?.status === "string" && NOT_YET.has(output.status)) {
          this.mark(name, "pending", at);
          step.state = "waiting";
          return [];
        }
        this.mark(name, "done", at);
        step.state = "succeeded";
        step.endedAt = at;
        if (output?.ok === false) step.negative = true;
        if (typeof output?.mode === "string") step.note = output.mode;
        return [{ kind: "succeeded", step, at }];
      }
      case "LambdaFunctionFailed":
      case "LambdaFunctionTimedOut":
      case "LambdaFunctionStartFailed":
      case "LambdaFunctionScheduleFailed":
      case "TaskFailed":
      case "TaskTimedOut":
      case "TaskStartFailed":
      case "TaskSubmitFailed": {
        this.inFlight.delete(name);
        const details =
          event.lambdaFunctionFailedEventDetails ??
          event.lambdaFunctionTimedOutEventDetails ??
          event.lambdaFunctionStartFailedEventDetails ??
          event.lambdaFunctionScheduleFailedEventDetails ??
          event.taskFailedEventDetails ??
          event.taskTimedOutEventDetails ??
          event.taskStartFailedEventDetails ??
          event.taskSubmitFailedEventDetails;
        const error = `${details?.error ?? "Error"}${details?.cause ? `: ${causeMessage(details.cause)}` : ""}`;
        this.mark(name, "failed", at);
        step.state = "retrying";
        step.error = error;
        return [{ kind: "failed", step, at, error }];
      }
      case "TaskStateExited":
        // Left after a failure: caught, so the step failed for good (a retry would not exit the state).
        if (step.state === "retrying") {
          step.state = "failed";
          step.endedAt = at;
        }
        return [];
      default:
        return [];
    }
  }

  private mark(step: string, phase: StepMark["phase"], at: Date): void {
    this.progress.marks.push({ step, phase, at: at.toISOString() });
  }

  /** Any state's input or output that is the workflow's whole state (a Parallel's output is not). */
  private keepState(event: HistoryEvent): void {
    const entered = event.stateEnteredEventDetails;
    const exited = event.stateExitedEventDetails;
    const name = entered?.name ?? exited?.name;
    const document = parseJson(entered ? entered.input : exited?.output);
    if (name === undefined || document === null || typeof document !== "object" || Array.isArray(document))
      return;
    if ("request" in document && "execution" in document) {
      this.progress.lastState = { name, document: document as Record<string, unknown> };
    }
  }

  private current(name: string): StepProgress | undefined {
    for (let index = this.progress.steps.length - 1; index >= 0; index--) {
      const step = this.progress.steps[index];
      if (step?.name === name) return step;
    }
    return undefined;
  }
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A Lambda failure's cause is its error as JSON ({errorType, errorMessage}); a person wants the message. */
export function causeMessage(cause: string): string {
  const parsed = parseJson(cause) as { errorMessage?: unknown } | undefined;
  return typeof parsed?.errorMessage === "string" ? parsed.errorMessage : cause;
}
