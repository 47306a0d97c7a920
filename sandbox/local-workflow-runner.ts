import type { Context } from "aws-lambda";
import { StateMachine } from "aws-local-stepfunctions";
import {
  type AslDefinition,
  type AslState,
  type TaskStateInfo,
  taskStates,
  WAIT_FOR_TASK_TOKEN,
  waitStateNames,
} from "../stepfunctions/asl.js";
import type { TaskTokens } from "./task-tokens.js";
import type { VirtualClock } from "./virtual-clock.js";

/** A Lambda handler as the runner calls it: the real one, built with sandbox dependencies. */
export type LocalHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface StepEvent {
  execution: string;
  state: string;
  phase: "started" | "succeeded" | "failed";
  at: Date;
  error?: string;
  /** The step's own status for polling steps: "pending" or "done". */
  result?: unknown;
}

export interface LocalRunOptions {
  executionArn: string;
  input: unknown;
  onStep?: (event: StepEvent) => void;
}

/**
 * Runs a deployed state machine definition unchanged with aws-local-stepfunctions, each Task mapped by
 * its Resource ARN to the real handler. Real waiting is switched off (Wait and Retry pauses of 0 ms) and
 * the same pauses are taken on the virtual clock instead: a polling step's Wait lasts the
 * `pollAfterSeconds` the step returned (the field its Wait state reads), and a retry's pause follows the
 * state's own Retry settings. So modelled time passes exactly as in AWS, in milliseconds of real time.
 * A Task that waits for its token (`lambda:invoke.waitForTaskToken`) invokes its handler with the
 * Payload, then waits on the virtual clock until the token is answered through the sandbox's Step
 * Functions or its timeout passes.
 */
export class LocalWorkflowRunner {
  private readonly machine: StateMachine;
  private readonly tasks: Array<TaskStateInfo & { state: AslState; retry: AslState[] }>;
  private readonly waits: string[];

  constructor(
    definition: AslDefinition,
    private readonly handlers: ReadonlyMap<string, LocalHandler>,
    private readonly clock: VirtualClock,
    private readonly random: () => number,
    private readonly tokens: TaskTokens,
  ) {
    this.machine = new StateMachine(withoutTokenTimeouts(definition) as never, {
      validationOptions: { checkArn: true, checkPaths: true },
    });
    this.tasks = taskStates(definition).map((task) => {
      const state = stateNamed(definition, task.name) ?? {};
      return { ...task, state, retry: (state.Retry as AslState[] | undefined) ?? [] };
    });
    this.waits = waitStateNames(definition);
    for (const task of this.tasks) {
      if (!handlers.has(task.resource))
        throw new Error(`no local handler for ${task.name} (${task.resource})`);
    }
  }

  async run(options: LocalRunOptions): Promise<unknown> {
    const attempts = new Map<string, number>();
    const startTime = this.clock.now().toISOString();
    // One token per execution is enough here: kirikae's workflows pause at most once.
    const taskToken = this.tokens.issue();
    const taskResourceLocalHandlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const task of this.tasks) {
      const handler = this.handlers.get(task.resource) as LocalHandler;
      taskResourceLocalHandlers[task.name] = (input) =>
        this.clock.busy(async () => {
          options.onStep?.({
            execution: options.executionArn,
            state: task.name,
            phase: "started",
            at: this.clock.now(),
          });
          try {
            const output = task.waitsForToken
              ? await this.invokeAndWait(task, handler, input, startTime, taskToken)
              : await handler(withVirtualStartTime(input, startTime), lambdaContext(task.resource));
            attempts.delete(task.name);
            options.onStep?.({
              execution: options.executionArn,
              state: task.name,
              phase: "succeeded",
              at: this.clock.now(),
              result: output,
            });
            // The definition's Choice skips the Wait once a polling step reports done.
            const poll = output as { status?: unknown; pollAfterSeconds?: unknown } | null;
            if (poll?.status !== "done" && typeof poll?.pollAfterSeconds === "number") {
              await this.clock.sleep(poll.pollAfterSeconds * 1000);
            }
            return output;
          } catch (error) {
            const name = error instanceof Error ? error.name : "Error";
            options.onStep?.({
              execution: options.executionArn,
              state: task.name,
              phase: "failed",
              at: this.clock.now(),
              error: `${name}: ${error instanceof Error ? error.message : String(error)}`,
            });
            const attempt = attempts.get(task.name) ?? 0;
            const pause = retryPauseMs(task.retry, name, attempt, this.random);
            if (pause !== undefined) {
              attempts.set(task.name, attempt + 1);
              await this.clock.sleep(pause);
            } else {
              attempts.delete(task.name);
            }
            throw error;
          }
        });
    }
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
          StartTime: startTime,
        },
        Task: { Token: taskToken },
      },
    });
    return execution.result;
  }

  private async invokeAndWait(
    task: TaskStateInfo & { state: AslState },
    handler: LocalHandler,
    input: unknown,
    startTime: string,
    taskToken: string,
  ): Promise<unknown> {
    const payload = (input as { Payload?: unknown } | null)?.Payload;
    await handler(withVirtualStartTime(payload, startTime), lambdaContext(task.resource));
    const timeoutMs = timeoutSecondsOf(task, payload) * 1000;
    const stop = new AbortController();
    const answer = await Promise.race([
      this.tokens.wait(taskToken, stop.signal),
      this.clock.sleep(timeoutMs, stop.signal).then(() => undefined),
    ]);
    stop.abort();
    if (!answer) throw namedError("States.Timeout", `no answer to ${task.name}'s task token in time`);
    if ("error" in answer) throw namedError(answer.error, answer.cause);
    return answer.output;
  }
}

/**
 * The library would time a token wait on the wall clock (and reads TimeoutSecondsPath from the input
 * after Parameters, where AWS reads the state's input), so the runner takes that timeout over on the
 * virtual clock and hands the library the definition without it. Nothing else changes.
 */
function withoutTokenTimeouts(definition: AslDefinition): AslDefinition {
  const strip = (states: Record<string, AslState>): Record<string, AslState> =>
    Object.fromEntries(
      Object.entries(states).map(([name, state]) => {
        if (state.Type === "Parallel") {
          const branches = state.Branches as Array<{ States: Record<string, AslState> }>;
          return [
            name,
            { ...state, Branches: branches.map((branch) => ({ ...branch, States: strip(branch.States) })) },
          ];
        }
        if (state.Resource !== WAIT_FOR_TASK_TOKEN) return [name, state];
        const { TimeoutSecondsPath: _path, TimeoutSeconds: _seconds, ...rest } = state;
        return [name, rest];
      }),
    );
  return { ...definition, States: strip(definition.States) };
}

/**
 * The Task's timeout: TimeoutSeconds, or TimeoutSecondsPath read from the Payload (the runner sees the
 * input only after Parameters; kirikae's definitions pass the path's source through in the Payload).
 */
function timeoutSecondsOf(task: TaskStateInfo & { state: AslState }, payload: unknown): number {
  if (typeof task.state.TimeoutSeconds === "number") return task.state.TimeoutSeconds;
  const path = String(task.state.TimeoutSecondsPath ?? "");
  let value: unknown = payload;
  for (const key of path
    .replace(/^\$\.?/, "")
    .split(".")
    .filter(Boolean)) {
    value = (value as Record<string, unknown> | null)?.[key];
  }
  if (typeof value !== "number") {
    throw new Error(`${task.name}: TimeoutSecondsPath ${path} does not resolve in its Payload`);
  }
  return value;
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
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
 */
function retryPauseMs(retriers: AslState[], errorName: string, attempt: number, random: () => number) {
  for (const retrier of retriers) {
    const errors = retrier.ErrorEquals as string[];
    if (
      !errors.includes(errorName) &&
      !errors.includes("States.ALL") &&
      !errors.includes("States.TaskFailed")
    )
      continue;
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
function lambdaContext(functionArn: string): Context {
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
    getRemainingTimeInMillis: () => 120_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
