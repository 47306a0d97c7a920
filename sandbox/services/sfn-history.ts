import type { StepEvent } from "../local-workflow-runner.js";

/** One history event as GetExecutionHistory returns it (the fields kirikae's runs produce). */
export interface HistoryEventShape {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

/**
 * An execution's event history, as Step Functions keeps it for a Standard workflow whose Tasks call
 * Lambda functions directly: ExecutionStarted; per Task attempt TaskStateEntered (once per entry),
 * LambdaFunctionScheduled, LambdaFunctionStarted, then LambdaFunctionSucceeded and TaskStateExited, or
 * LambdaFunctionFailed; a Task that waits for its token has TaskScheduled, TaskStarted, TaskSubmitted
 * (its function returned) and TaskSucceeded or TaskFailed; then one ExecutionSucceeded, -Failed,
 * -Aborted or -TimedOut. Each event's previousEventId is the last event of the same state, which is how
 * Step Functions links the events of Parallel branches. Events are only ever appended, so their IDs are
 * stable between reads, as a reader paging backwards relies on.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 *
 * What the local runner does not see is left out: Pass, Choice, Wait and Parallel states' own events,
 * and the TaskStateExited of a Task whose failure was caught.
 */
export class ExecutionHistoryModel {
  readonly events: HistoryEventShape[] = [];
  private readonly lastOfState = new Map<string, number>();
  private readonly lastPhase = new Map<string, StepEvent["phase"]>();

  constructor(private readonly waitsForToken: (state: string) => boolean) {}

  started(at: Date, input: unknown, roleArn: string): void {
    this.push(at, "ExecutionStarted", undefined, {
      executionStartedEventDetails: { input: JSON.stringify(input), roleArn },
    });
  }

  step(event: StepEvent): void {
    const { state, at } = event;
    const token = this.waitsForToken(state);
    if (event.phase === "started") {
      // A retry schedules the function again within the same entry of the state.
      if (this.lastPhase.get(state) !== "failed") {
        this.push(at, "TaskStateEntered", state, {
          stateEnteredEventDetails: { name: state, input: JSON.stringify(event.input ?? {}) },
        });
      }
      if (token) {
        this.push(at, "TaskScheduled", state, {
          taskScheduledEventDetails: { resourceType: "lambda", resource: "invoke.waitForTaskToken" },
        });
        this.push(at, "TaskStarted", state, {});
        // The function a paused Task invokes only records the token; it returns at once.
        this.push(at, "TaskSubmitted", state, {});
      } else {
        this.push(at, "LambdaFunctionScheduled", state, {});
        this.push(at, "LambdaFunctionStarted", state, {});
      }
    } else if (event.phase === "succeeded") {
      const output = JSON.stringify(event.result ?? null);
      this.push(
        at,
        token ? "TaskSucceeded" : "LambdaFunctionSucceeded",
        state,
        token
          ? { taskSucceededEventDetails: { output } }
          : { lambdaFunctionSucceededEventDetails: { output } },
      );
      this.push(at, "TaskStateExited", state, { stateExitedEventDetails: { name: state } });
    } else {
      const [error = "Error", ...rest] = (event.error ?? "").split(": ");
      const details = { error, cause: rest.join(": ") };
      this.push(
        at,
        token ? "TaskFailed" : "LambdaFunctionFailed",
        state,
        token ? { taskFailedEventDetails: details } : { lambdaFunctionFailedEventDetails: details },
      );
    }
    this.lastPhase.set(state, event.phase);
  }

  ended(
    at: Date,
    status: "SUCCEEDED" | "FAILED" | "ABORTED" | "TIMED_OUT",
    details: Record<string, unknown>,
  ) {
    const types = {
      SUCCEEDED: ["ExecutionSucceeded", "executionSucceededEventDetails"],
      FAILED: ["ExecutionFailed", "executionFailedEventDetails"],
      ABORTED: ["ExecutionAborted", "executionAbortedEventDetails"],
      TIMED_OUT: ["ExecutionTimedOut", "executionTimedOutEventDetails"],
    } as const;
    const [type, field] = types[status];
    this.push(at, type, undefined, { [field]: details });
  }

  /** A page, oldest first or (reverseOrder) newest first; the token is where the next page starts. */
  page(options: { reverseOrder?: boolean; maxResults?: number; nextToken?: string }) {
    const ordered = options.reverseOrder ? [...this.events].reverse() : this.events;
    const start = Number(options.nextToken ?? 0);
    // GetExecutionHistory's default page is 100 events, its largest 1000.
    const size = Math.min(Math.max(options.maxResults || 100, 1), 1000);
    const events = ordered.slice(start, start + size);
    const next = start + size < ordered.length ? String(start + size) : undefined;
    return { events, ...(next ? { nextToken: next } : {}) };
  }

  private push(at: Date, type: string, state: string | undefined, details: Record<string, unknown>): void {
    const id = this.events.length + 1;
    const previousEventId = (state === undefined ? undefined : this.lastOfState.get(state)) ?? id - 1;
    this.events.push({ id, previousEventId, timestamp: at, type, ...details });
    if (state !== undefined) this.lastOfState.set(state, id);
  }
}
