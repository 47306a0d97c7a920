import { KirikaeError } from "../core/errors.js";
import type { AslDefinition, AslState } from "../stepfunctions/asl.js";

/*
 * The three clocks AWS runs around a Task that invokes a Lambda function, which the local runner keeps on
 * the virtual clock so that a drill in an outage lasts what it would on AWS:
 *
 * - The Task's TimeoutSeconds (or TimeoutSecondsPath) bounds each attempt of the state, counted from the
 *   function's start; past it the state fails with `States.Timeout` and its Retry and Catch apply. Without
 *   one a Task may run 99999999 seconds. ("Task workflow state",
 *   https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html; "Handling errors in Step
 *   Functions workflows", https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html)
 *   Step Functions cannot stop the function: it runs on until it returns or hits its own timeout, and its
 *   result is discarded.
 * - The function's own timeout ends the invocation. Step Functions reports an unhandled Lambda error,
 *   a function timeout included, as `Lambda.Unknown`, which `States.ALL` and `States.TaskFailed` match.
 *   ("Handle Lambda service exceptions",
 *   https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html)
 * - The definition's top-level TimeoutSeconds bounds the whole execution: past it the execution fails
 *   with `States.Timeout` and no Catch applies; DescribeExecution reports status TIMED_OUT. Without one a
 *   Standard execution may run a year. ("State machine structure",
 *   https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html; "DescribeExecution",
 *   https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html; "Step
 *   Functions service quotas", https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html)
 */

const TASK_DEFAULT_TIMEOUT_SECONDS = 99_999_999;
const STANDARD_EXECUTION_MAX_SECONDS = 365 * 24 * 3600;

/**
 * aws-local-stepfunctions times every Task on the wall clock (60 s when the state names no timeout), and
 * the execution too. The runner times both on the virtual clock, so the library is handed a bound that
 * real time never reaches in a run; setTimeout caps at about 24.8 days, so one day it is.
 */
const WALL_CLOCK_BACKSTOP_SECONDS = 24 * 3600;

/** A Task state ran longer than its TimeoutSeconds, or a paused Task got no answer in time. */
export class TaskStateTimedOut extends KirikaeError {
  constructor(stateName: string, seconds: number) {
    super(`${stateName} ran longer than its TimeoutSeconds (${seconds} s)`, {
      action: "see which call the step was waiting on; a region that is down makes calls hang",
    });
    this.name = "States.Timeout";
  }
}

/** A Lambda function ran past its configured timeout and Lambda stopped it. */
export class LambdaFunctionTimedOut extends KirikaeError {
  constructor(functionArn: string, seconds: number) {
    // Lambda's own words for it, as the function's log and the error's cause carry them.
    super(`Task timed out after ${seconds.toFixed(2)} seconds`, { resource: functionArn });
    this.name = "Lambda.Unknown";
  }
}

/** The execution ran longer than its definition's TimeoutSeconds. */
export class ExecutionTimedOut extends KirikaeError {
  constructor(seconds: number) {
    super(`the execution ran longer than its TimeoutSeconds (${seconds} s)`);
    this.name = "States.Timeout";
  }
}

/** The execution's timeout, in seconds. */
export function executionTimeoutSeconds(definition: AslDefinition): number {
  return definition.TimeoutSeconds ?? STANDARD_EXECUTION_MAX_SECONDS;
}

/**
 * A Task attempt's timeout, in seconds: TimeoutSeconds, or TimeoutSecondsPath read from `input`. The
 * runner sees a Task's input only after Parameters, so a paused Task's path is read from its Payload,
 * where kirikae's definitions carry the path's source through.
 */
export function taskTimeoutSeconds(stateName: string, state: AslState, input: unknown): number {
  if (typeof state.TimeoutSeconds === "number") return state.TimeoutSeconds;
  if (state.TimeoutSecondsPath === undefined) return TASK_DEFAULT_TIMEOUT_SECONDS;
  const path = String(state.TimeoutSecondsPath);
  let value: unknown = input;
  for (const key of path
    .replace(/^\$\.?/, "")
    .split(".")
    .filter(Boolean)) {
    value = (value as Record<string, unknown> | null)?.[key];
  }
  if (typeof value !== "number") {
    throw new Error(`${stateName}: TimeoutSecondsPath ${path} does not resolve in its input`);
  }
  return value;
}

/**
 * The definition as the library gets it: without the execution's timeout, and with every Task's timeout
 * replaced by the wall-clock backstop, since the runner enforces the real ones itself. (The library would
 * also read a TimeoutSecondsPath after Parameters, where AWS reads the state's input.)
 */
export function withoutLibraryTimeouts(definition: AslDefinition): AslDefinition {
  const { TimeoutSeconds: _execution, ...rest } = definition;
  return { ...rest, States: withBackstops(definition.States) };
}

function withBackstops(states: Record<string, AslState>): Record<string, AslState> {
  return Object.fromEntries(
    Object.entries(states).map(([name, state]) => {
      if (state.Type === "Parallel") {
        const branches = state.Branches as Array<{ States: Record<string, AslState> }>;
        return [
          name,
          {
            ...state,
            Branches: branches.map((branch) => ({ ...branch, States: withBackstops(branch.States) })),
          },
        ];
      }
      if (state.Type !== "Task") return [name, state];
      const { TimeoutSecondsPath: _path, TimeoutSeconds: _seconds, ...task } = state;
      return [name, { ...task, TimeoutSeconds: WALL_CLOCK_BACKSTOP_SECONDS }];
    }),
  );
}

/**
 * `States.TaskFailed` in a Task's Retry or Catch matches every error but `States.Timeout`. The library
 * recognises only the timeouts it raised itself, so it would let such a retrier or catcher take a timeout
 * the runner raises; a definition that relies on the difference is refused rather than run unfaithfully.
 */
export function assertNoTaskFailedMatchers(states: Record<string, AslState>): void {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === "Parallel") {
      for (const branch of state.Branches as Array<{ States: Record<string, AslState> }>) {
        assertNoTaskFailedMatchers(branch.States);
      }
    }
    if (state.Type !== "Task") continue;
    const matchers = [...((state.Retry as AslState[]) ?? []), ...((state.Catch as AslState[]) ?? [])];
    if (matchers.some((matcher) => (matcher.ErrorEquals as string[]).includes("States.TaskFailed"))) {
      throw new Error(
        `${name}: the local runner cannot tell States.TaskFailed from States.Timeout in Retry or Catch; name the errors instead`,
      );
    }
  }
}
