import type { Context } from "aws-lambda";
import { StateMachine } from "aws-local-stepfunctions";
import {
  type AslDefinition,
  type AslState,
  type TaskStateInfo,
  taskStates,
  waitStateNames,
} from "../stepfunctions/asl.js";
import type { TaskTokens } from "./task-tokens.js";
import type { VirtualClock } from "./virtual-clock.js";
import {
  assertNoTaskFailedMatchers,
  ExecutionTimedOut,
  executionTimeoutSeconds,
  LambdaFunctionTimedOut,
  TaskStateTimedOut,
  taskTimeoutSeconds,
  withoutLibraryTimeouts,
} from "./workflow-timeouts.js";

/** A Lambda handler as the runner calls it: the real one, built with sandbox dependencies. */
export type LocalHandler = (event: unknown, context: Context) => Promise<unknown>;

/** A Lambda function as the runner invokes it: its real handler and the timeout infra gives it. */
export interface LocalFunction {
  handler: LocalHandler;
  timeoutSeconds: number;
}

export interface StepEvent {
  execution: string;
  state: string;
  phase: "started" | "succeeded" | "failed";
  at: Date;
  error?: string;
  /** The step's own status for polling steps: "pending" or "done". */
  result?: unknown;
  /**
   * On "started": what the Task was entered with, as its history event shows it (a Task that waits for
   * its token shows the Payload it resolved from the state, which is all the runner sees of it).
   */
  input?: unknown;
}

export interface LocalRunOptions {
  executionArn: string;
  input: unknown;
  onStep?: (event: StepEvent) => void;
  /** Aborted by StopExecution: the run ends at once, as ABORTED; a handler already running goes on. */
  stop?: AbortSignal;
}

/** The execution was stopped (StopExecution), with the error and cause the caller gave. */
export class ExecutionStopped extends Error {
  constructor(
    readonly error: string,
    readonly stopCause: string,
  ) {
    super(stopCause);
    this.name = "ExecutionStopped";
  }
}

type RunnerTask = TaskStateInfo & { state: AslState; retry: AslState[] };

/** One execution as the runner's Task handlers share it. */
interface Run {
  options: LocalRunOptions;
  startTime: string;
  /** What the library puts where a definition reads `$$.Task.Token`; each paused attempt gets its own. */
  tokenPlaceholder: string;
  attempts: Map<string, number>;
  /** Aborted once the execution has ended, however it ended, so no pause of the runner outlives it. */
  ended: AbortSignal;
}

type Outcome = { output: unknown } | { error: unknown };

/**
 * Unwinds a Task that was still running when its execution timed out. The library neither retries nor
 * catches it (it reads these two flags), so nothing of the definition runs after the execution ended.
 */
class ExecutionEnded extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor() {
    super("the execution has ended");
    this.name = "ExecutionEnded";
  }
}

/**
 * Runs a deployed state machine definition unchanged with aws-local-stepfunctions, each Task mapped by
 * its Resource ARN to the real handler. Real waiting is switched off (Wait and Retry pauses of 0 ms) and
 * the same pauses are taken on the virtual clock instead: a polling step's Wait lasts the
 * `pollAfterSeconds` the step returned (the field its Wait state reads), and a retry's pause follows the
 * state's own Retry settings. So modelled time passes exactly as in AWS, in milliseconds of real time.
 * A Task that waits for its token (`lambda:invoke.waitForTaskToken`) invokes its handler with the
 * Payload and waits until the token is answered through the sandbox's Step Functions.
 *
 * The timeouts AWS enforces are kept on the virtual clock too (see workflow-timeouts.ts): each Task
 * attempt's TimeoutSeconds, each function's own timeout, whichever comes first, and the execution's
 * TimeoutSeconds. A handler that lost such a race keeps running, as the function does on AWS, and what
 * it returns is dropped.
 */
export class LocalWorkflowRunner {
  private readonly machine: StateMachine;
  private readonly tasks: RunnerTask[];
  private readonly waits: string[];

  constructor(
    private readonly definition: AslDefinition,
    private readonly functions: ReadonlyMap<string, LocalFunction>,
    private readonly clock: VirtualClock,
    private readonly random: () => number,
    private readonly tokens: TaskTokens,
  ) {
    assertNoTaskFailedMatchers(definition.States);
    this.machine = new StateMachine(withoutLibraryTimeouts(definition) as never, {
      validationOptions: { checkArn: true, checkPaths: true },
    });
    this.tasks = taskStates(definition).map((task) => {
      const state = stateNamed(definition, task.name) ?? {};
      return { ...task, state, retry: (state.Retry as AslState[] | undefined) ?? [] };
    });
    this.waits = waitStateNames(definition);
    for (const task of this.tasks) {
      if (!functions.has(task.resource))
        throw new Error(`no local function for ${task.name} (${task.resource})`);
    }
  }

  /** Whether the Task state of this name pauses until its token is answered. */
  waitsForToken(state: string): boolean {
    return this.tasks.some((task) => task.name === state && task.waitsForToken);
  }

  /** The execution's output; rejects with the error it failed with, ExecutionTimedOut or ExecutionStopped. */
  async run(options: LocalRunOptions): Promise<unknown> {
    const ended = new AbortController();
    const run: Run = {
      options,
      startTime: this.clock.now().toISOString(),
      // The library's context is fixed for the run, while AWS issues a token per Task attempt (a failover
      // may pause twice: for approval, then on losing data); `attempt` swaps in a fresh one each time.
      tokenPlaceholder: this.tokens.issue(),
      attempts: new Map(),
      ended: ended.signal,
    };
    const taskResourceLocalHandlers = Object.fromEntries(
      this.tasks.map((task) => [task.name, (input: unknown) => this.runTask(task, input, run)]),
    );
    const zeroFor = (names: string[]) => Object.fromEntries(names.map((name) => [name, 0]));
    const execution = this.machine.run(options.input as never, {
      overrides: {
        taskResourceLocalHandlers: taskResourceLocalHandlers as never,
        waitTimeOverrides: zeroFor(this.waits),
        retryIntervalOverrides: zeroFor(this.tasks.map((task) => task.name)),
      },
      context: {
        Execution: {
          Id: options.executionArn,
          Name: options.executionArn.split(":").pop(),
          Input: options.input as never,
          StartTime: run.startTime,
        },
        Task: { Token: run.tokenPlaceholder },
      },
    });
    // Aborting a timed-out execution rejects the library's result after the timeout decided the outcome.
    execution.result.catch(() => undefined);
    const timeoutSeconds = executionTimeoutSeconds(this.definition);
    const stop = options.stop;
    const stopped = new Promise<"stopped">((resolve) => {
      if (stop?.aborted) resolve("stopped");
      stop?.addEventListener("abort", () => resolve("stopped"), { once: true });
    });
    try {
      const finished = await Promise.race([
        execution.result.then((output: unknown) => ({ output })),
        this.pause(timeoutSeconds * 1000, ended.signal).then(() => undefined),
        stopped,
      ]);
      if (finished === "stopped") {
        ended.abort();
        execution.abort();
        const reason = (stop?.reason ?? {}) as { error?: string; cause?: string };
        throw new ExecutionStopped(reason.error ?? "", reason.cause ?? "");
      }
      if (finished) return finished.output;
      ended.abort();
      execution.abort();
      throw new ExecutionTimedOut(timeoutSeconds);
    } finally {
      ended.abort();
    }
  }

  /** A Task as the library calls it: one attempt, then the pause AWS would take before what follows. */
  private async runTask(task: RunnerTask, input: unknown, run: Run): Promise<unknown> {
    if (run.ended.aborted) throw new ExecutionEnded();
    this.emit(run, {
      state: task.name,
      phase: "started",
      at: this.clock.now(),
      input: withVirtualStartTime(enteredWith(task, input), run.startTime),
    });
    const outcome = await this.attempt(task, input, run);
    if (run.ended.aborted) throw new ExecutionEnded();
    if ("output" in outcome) {
      run.attempts.delete(task.name);
      this.emit(run, { state: task.name, phase: "succeeded", at: this.clock.now(), result: outcome.output });
      // The definition's Choice skips the Wait once a polling step reports done.
      const poll = outcome.output as { status?: unknown; pollAfterSeconds?: unknown } | null;
      if (poll?.status !== "done" && typeof poll?.pollAfterSeconds === "number") {
        await this.pause(poll.pollAfterSeconds * 1000, run.ended);
        if (run.ended.aborted) throw new ExecutionEnded();
      }
      return outcome.output;
    }
    const { error } = outcome;
    const name = error instanceof Error ? error.name : "Error";
    this.emit(run, {
      state: task.name,
      phase: "failed",
      at: this.clock.now(),
      error: `${name}: ${error instanceof Error ? error.message : String(error)}`,
    });
    const attempt = run.attempts.get(task.name) ?? 0;
    const pause = retryPauseMs(task.retry, name, attempt, this.random);
    if (pause !== undefined) {
      run.attempts.set(task.name, attempt + 1);
      await this.pause(pause, run.ended);
      if (run.ended.aborted) throw new ExecutionEnded();
    } else {
      run.attempts.delete(task.name);
    }
    throw error;
  }

  /**
   * One attempt of a Task: its work raced against the Task's TimeoutSeconds, counted from the function's
   * start. Step Functions cannot stop a function whose Task timed out, so the loser is left running and
   * whatever it returns later is dropped.
   */
  private async attempt(task: RunnerTask, input: unknown, run: Run): Promise<Outcome> {
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, run.ended]);
    try {
      const taskToken = task.waitsForToken ? this.tokens.issue() : run.tokenPlaceholder;
      const event = task.waitsForToken
        ? withTaskToken((input as { Payload?: unknown } | null)?.Payload, run.tokenPlaceholder, taskToken)
        : input;
      const seconds = taskTimeoutSeconds(task.name, task.state, event);
      const timeout = this.pause(seconds * 1000, signal).then(
        (): Outcome => ({ error: new TaskStateTimedOut(task.name, seconds) }),
      );
      const work = this.perform(task, withVirtualStartTime(event, run.startTime), taskToken, signal).then(
        (output): Outcome => ({ output }),
        (error: unknown): Outcome => ({ error }),
      );
      return await Promise.race([timeout, work]);
    } catch (error) {
      return { error };
    } finally {
      stop.abort();
    }
  }

  /** The Task's work: invoke its function, and for a paused Task wait for the answer to its token. */
  private async perform(
    task: RunnerTask,
    event: unknown,
    taskToken: string,
    signal: AbortSignal,
  ): Promise<unknown> {
    const fn = this.functions.get(task.resource) as LocalFunction;
    if (!task.waitsForToken) return this.invoke(task.resource, fn, event, signal);
    // The token is live from the Task's start, so an answer may come before the function returns.
    const answer = this.tokens.wait(taskToken, signal);
    await this.invoke(task.resource, fn, event, signal);
    const answered = await answer;
    // Only once the attempt is over (timed out), so nobody reads this.
    if (!answered) throw new Error(`${task.name} stopped waiting for its task token`);
    if ("error" in answered) throw namedError(answered.error, answered.cause);
    return answered.output;
  }

  /** One invocation of a function, stopped at the function's own timeout as Lambda stops it. */
  private async invoke(
    functionArn: string,
    fn: LocalFunction,
    event: unknown,
    signal: AbortSignal,
  ): Promise<unknown> {
    const timeoutMs = fn.timeoutSeconds * 1000;
    const deadline = this.clock.now().getTime() + timeoutMs;
    const context = lambdaContext(functionArn, () => Math.max(0, deadline - this.clock.now().getTime()));
    const stop = new AbortController();
    try {
      return await Promise.race([
        this.clock.busy(() => fn.handler(event, context)),
        this.pause(timeoutMs, AbortSignal.any([stop.signal, signal])).then(() => {
          throw new LambdaFunctionTimedOut(functionArn, fn.timeoutSeconds);
        }),
      ]);
    } finally {
      stop.abort();
    }
  }

  /**
   * Waits on the virtual clock, ending early when `signal` aborts. Wrapped in `busy` so the wait counts the
   * same whichever actor's context it was started from, and leaves no timer behind once aborted.
   */
  private pause(ms: number, signal: AbortSignal): Promise<void> {
    return this.clock.busy(() => this.clock.sleep(ms, signal));
  }

  private emit(run: Run, event: Omit<StepEvent, "execution">): void {
    run.options.onStep?.({ execution: run.options.executionArn, ...event });
  }
}

/** A token-waiting Task's input is its resolved Parameters; the Payload is the part built from the state. */
function enteredWith(task: RunnerTask, input: unknown): unknown {
  if (!task.waitsForToken) return input;
  const payload = (input as { Payload?: unknown } | null)?.Payload;
  if (payload === null || typeof payload !== "object") return input;
  const { taskToken: _token, ...state } = payload as Record<string, unknown>;
  return state;
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** The paused Task's Payload with this attempt's own token where the definition placed `$$.Task.Token`. */
function withTaskToken(payload: unknown, placeholder: string, token: string): unknown {
  if (payload === null || typeof payload !== "object") return payload;
  return Object.fromEntries(
    Object.entries(payload).map(([key, value]) => [key, value === placeholder ? token : value]),
  );
}

/**
 * aws-local-stepfunctions always sets the Context Object's Execution.StartTime from the wall clock, so the
 * value the definition copies into `execution.startedAt` is corrected to the execution's start on the
 * virtual clock, which is what AWS would have put there. Nothing else of the state is touched.
 */
function withVirtualStartTime(input: unknown, startTime: string): unknown {
  const state = input as { execution?: { startedAt?: unknown } } | null;
  if (!state?.execution || typeof state.execution.startedAt !== "string") return input;
  return { ...state, execution: { ...state.execution, startedAt: startTime } };
}

/**
 * The pause Step Functions would take before retrying, per the matching retrier, or undefined when it
 * would not retry. Attempts count across all retriers of the state, which is exact for kirikae's
 * single-retrier tasks. FULL jitter draws from the sandbox's seeded generator, so runs replay.
 * (States.TaskFailed never appears: the runner refuses definitions that use it, see workflow-timeouts.ts.)
 */
function retryPauseMs(retriers: AslState[], errorName: string, attempt: number, random: () => number) {
  for (const retrier of retriers) {
    const errors = retrier.ErrorEquals as string[];
    if (!errors.includes(errorName) && !errors.includes("States.ALL")) continue;
    const maxAttempts = (retrier.MaxAttempts as number | undefined) ?? 3;
    if (attempt >= maxAttempts) return undefined;
    const interval =
      ((retrier.IntervalSeconds as number | undefined) ?? 1) *
      ((retrier.BackoffRate as number | undefined) ?? 2) ** attempt;
    const capped = Math.min(
      interval,
      (retrier.MaxDelaySeconds as number | undefined) ?? Number.POSITIVE_INFINITY,
    );
    const seconds = retrier.JitterStrategy === "FULL" ? random() * capped : capped;
    return seconds * 1000;
  }
  return undefined;
}

function stateNamed(
  definition: { States: Record<string, AslState> },
  stateName: string,
): AslState | undefined {
  for (const [name, state] of Object.entries(definition.States)) {
    if (name === stateName) return state;
    if (state.Type === "Parallel") {
      for (const branch of state.Branches as Array<{ States: Record<string, AslState> }>) {
        const found = stateNamed(branch, stateName);
        if (found) return found;
      }
    }
  }
  return undefined;
}

let invocation = 0;

/** The Lambda context a handler gets; enough for Powertools' logger and middy. */
function lambdaContext(functionArn: string, remainingMs: () => number): Context {
  const functionName = functionArn.split(":").pop() ?? "kirikae";
  invocation += 1;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: functionArn,
    memoryLimitInMB: "512",
    awsRequestId: `local-${invocation}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "sandbox",
    getRemainingTimeInMillis: remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
