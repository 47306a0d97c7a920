import type { Context } from "aws-lambda";
import { StateMachine } from "aws-local-stepfunctions";
import { type AslDefinition, type AslState, taskStates, waitStateNames } from "../stepfunctions/asl.js";
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
 */
export class LocalWorkflowRunner {
  private readonly machine: StateMachine;
  private readonly tasks: Array<{ name: string; resource: string; retry: AslState[] }>;
  private readonly waits: string[];

  constructor(
    definition: AslDefinition,
    private readonly handlers: ReadonlyMap<string, LocalHandler>,
    private readonly clock: VirtualClock,
    private readonly random: () => number,
  ) {
    this.machine = new StateMachine(definition as never, {
      validationOptions: { checkArn: true, checkPaths: true },
    });
    this.tasks = taskStates(definition).map((task) => ({
      ...task,
      retry: retrySettings(definition, task.name),
    }));
    this.waits = waitStateNames(definition);
    for (const task of this.tasks) {
      if (!handlers.has(task.resource))
        throw new Error(`no local handler for ${task.name} (${task.resource})`);
    }
  }

  async run(options: LocalRunOptions): Promise<unknown> {
    const attempts = new Map<string, number>();
    const startTime = this.clock.now().toISOString();
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
            const output = await handler(
              withVirtualStartTime(input, startTime),
              lambdaContext(task.resource),
            );
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
      },
    });
    return execution.result;
  }
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

function retrySettings(definition: { States: Record<string, AslState> }, stateName: string): AslState[] {
  for (const [name, state] of Object.entries(definition.States)) {
    if (name === stateName) return (state.Retry as AslState[] | undefined) ?? [];
    if (state.Type === "Parallel") {
      for (const branch of state.Branches as Array<{ States: Record<string, AslState> }>) {
        const found = retrySettings(branch, stateName);
        if (found.length > 0) return found;
      }
    }
  }
  return [];
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
