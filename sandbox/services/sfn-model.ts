import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidExecutionInput,
  InvalidName,
  InvalidToken,
  StateMachineDoesNotExist,
  TaskTimedOut,
} from "@aws-sdk/client-sfn";
import { ExecutionStopped, type LocalWorkflowRunner, type StepEvent } from "../local-workflow-runner.js";
import { errorMetadata, type SandboxCall, type ServiceModel, type TrailResource } from "../service-model.js";
import { TaskTokens, type TokenAnswer } from "../task-tokens.js";
import type { VirtualClock } from "../virtual-clock.js";
import { ExecutionTimedOut } from "../workflow-timeouts.js";
import { ExecutionHistoryModel } from "./sfn-history.js";

export interface SandboxExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: unknown;
  principal: string;
  /**
   * As DescribeExecution reports it: an execution past its TimeoutSeconds is TIMED_OUT, not FAILED, and
   * one stopped with StopExecution is ABORTED.
   */
  status: "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
  startDate: Date;
  stopDate?: Date;
  output?: unknown;
  error?: string;
  cause?: string;
  steps: StepEvent[];
  /** GetExecutionHistory's events, appended as the run goes. */
  history: ExecutionHistoryModel;
  /** StopExecution aborts it, with the error and cause given as the reason. */
  stop: AbortController;
  done: Promise<void>;
}

const executionNamePattern = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * Step Functions in the sandbox: StartExecution runs the registered definition on the local runner
 * (the very definition infra deploys), so the detector's call starts a real local workflow.
 */
export class SfnModel implements ServiceModel {
  readonly service = "sfn" as const;
  readonly eventSource = "states.amazonaws.com";
  private readonly machines = new Map<string, LocalWorkflowRunner>();
  private readonly executions = new Map<string, SandboxExecution>();
  /** Each execution's input as sent: AWS compares a repeated start's input with it, text for text. */
  private readonly inputTexts = new Map<string, string>();
  private readonly stepListeners: Array<(event: StepEvent) => void> = [];
  /** Tokens of Tasks paused until answered; the local runners wait on them. */
  readonly tokens = new TaskTokens();

  constructor(private readonly clock: VirtualClock) {}

  register(stateMachineArn: string, runner: LocalWorkflowRunner): void {
    this.machines.set(stateMachineArn, runner);
  }

  onStep(listener: (event: StepEvent) => void): void {
    this.stepListeners.push(listener);
  }

  isMutating(operation: string): boolean {
    return ["StartExecution", "StopExecution", "SendTaskSuccess", "SendTaskFailure"].includes(operation);
  }

  resourcesOf(call: SandboxCall): TrailResource[] {
    const arn = call.input.stateMachineArn ?? call.input.executionArn;
    return typeof arn === "string"
      ? [{ ResourceType: "AWS::StepFunctions::StateMachine", ResourceName: arn }]
      : [];
  }

  handle(call: SandboxCall): Record<string, unknown> {
    switch (call.operation) {
      case "StartExecution":
        return this.startExecution(call);
      case "DescribeExecution":
        return this.describeExecution(call);
      case "ListExecutions":
        return this.listExecutions(call);
      case "GetExecutionHistory":
        return this.executionHistory(call);
      case "StopExecution":
        return this.stopExecution(call);
      case "SendTaskSuccess":
        return this.answerTask(call, { output: JSON.parse(String(call.input.output ?? "null")) as unknown });
      case "SendTaskFailure":
        return this.answerTask(call, {
          error: String(call.input.error ?? ""),
          cause: String(call.input.cause ?? ""),
        });
      default:
        throw new Error(`the sandbox does not model states:${call.operation}`);
    }
  }

  /** Every execution, in start order: what the drill and tests read. */
  all(): SandboxExecution[] {
    return [...this.executions.values()];
  }

  /** Resolves once no execution is running, including ones started while waiting. */
  async settled(): Promise<void> {
    for (;;) {
      const running = this.all().filter((execution) => execution.status === "RUNNING");
      if (running.length === 0) return;
      await Promise.all(running.map((execution) => execution.done));
    }
  }

  private startExecution(call: SandboxCall): Record<string, unknown> {
    const stateMachineArn = String(call.input.stateMachineArn ?? "");
    const runner = this.machines.get(stateMachineArn);
    if (!runner) {
      throw new StateMachineDoesNotExist({
        message: `State Machine Does Not Exist: '${stateMachineArn}'`,
        $metadata: errorMetadata(call),
      });
    }
    const name = String(call.input.name ?? `${this.executions.size}`);
    if (!executionNamePattern.test(name)) {
      throw new InvalidName({ message: `Invalid Name: '${name}'`, $metadata: errorMetadata(call) });
    }
    const executionArn = `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
    const inputText = String(call.input.input ?? "{}");
    const existing = this.executions.get(executionArn);
    if (existing) {
      // Step Functions API Reference, StartExecution (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html):
      // for a Standard workflow, the same name and input as a running execution succeeds and returns the
      // original response; a closed execution of that name, or other input, is ExecutionAlreadyExists.
      if (existing.status === "RUNNING" && this.inputTexts.get(executionArn) === inputText) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new ExecutionAlreadyExists({
        message: `Execution Already Exists: '${executionArn}'`,
        $metadata: errorMetadata(call),
      });
    }
    let input: unknown;
    try {
      input = JSON.parse(inputText);
    } catch {
      throw new InvalidExecutionInput({
        message: "Invalid execution input: not JSON",
        $metadata: errorMetadata(call),
      });
    }
    const execution: SandboxExecution = {
      executionArn,
      stateMachineArn,
      name,
      input,
      principal: call.principal,
      status: "RUNNING",
      startDate: this.clock.now(),
      steps: [],
      history: new ExecutionHistoryModel((state) => runner.waitsForToken(state)),
      stop: new AbortController(),
      done: Promise.resolve(),
    };
    execution.history.started(execution.startDate, input, call.principal);
    execution.done = runner
      .run({
        executionArn,
        input,
        stop: execution.stop.signal,
        onStep: (event) => {
          execution.steps.push(event);
          execution.history.step(event);
          for (const listener of this.stepListeners) listener(event);
        },
      })
      .then(
        (output) => {
          Object.assign(execution, { status: "SUCCEEDED", output, stopDate: this.clock.now() });
          execution.history.ended(this.clock.now(), "SUCCEEDED", { output: JSON.stringify(output) });
        },
        (error: unknown) => {
          if (error instanceof ExecutionStopped) {
            Object.assign(execution, {
              status: "ABORTED",
              stopDate: this.clock.now(),
              ...(error.error ? { error: error.error } : {}),
              ...(error.stopCause ? { cause: error.stopCause } : {}),
            });
            execution.history.ended(this.clock.now(), "ABORTED", {
              error: error.error,
              cause: error.stopCause,
            });
            return;
          }
          if (error instanceof ExecutionTimedOut) {
            Object.assign(execution, {
              status: "TIMED_OUT",
              stopDate: this.clock.now(),
              error: error.name,
              cause: error.message,
            });
            execution.history.ended(this.clock.now(), "TIMED_OUT", {
              error: error.name,
              cause: error.message,
            });
            return;
          }
          // The local runner wraps the state's error (a Fail state's Error and Cause) in an ExecutionError.
          const wrapped = error as {
            name?: string;
            message?: string;
            cause?: { name?: string; message?: string };
          };
          const failure = wrapped.cause ?? wrapped;
          Object.assign(execution, {
            status: "FAILED",
            stopDate: this.clock.now(),
            error: failure.name ?? "Error",
            cause: failure.message ?? "",
          });
          execution.history.ended(this.clock.now(), "FAILED", {
            error: failure.name ?? "Error",
            cause: failure.message ?? "",
          });
        },
      );
    this.executions.set(executionArn, execution);
    this.inputTexts.set(executionArn, inputText);
    return { executionArn, startDate: execution.startDate };
  }

  private answerTask(call: SandboxCall, answer: TokenAnswer): Record<string, unknown> {
    const result = this.tokens.answer(String(call.input.taskToken ?? ""), answer);
    if (result === "unknown") {
      throw new InvalidToken({ message: "Invalid Token: 'Invalid token'", $metadata: errorMetadata(call) });
    }
    if (result === "closed") {
      throw new TaskTimedOut({
        message: "Task Timed Out: 'Provided task does not exist anymore'",
        $metadata: errorMetadata(call),
      });
    }
    return {};
  }

  private existing(call: SandboxCall): SandboxExecution {
    const executionArn = String(call.input.executionArn ?? "");
    const execution = this.executions.get(executionArn);
    if (!execution) {
      throw new ExecutionDoesNotExist({
        message: `Execution Does Not Exist: '${executionArn}'`,
        $metadata: errorMetadata(call),
      });
    }
    return execution;
  }

  /** Every event so far, a page at a time, oldest first unless reverseOrder. */
  private executionHistory(call: SandboxCall): Record<string, unknown> {
    return this.existing(call).history.page({
      reverseOrder: call.input.reverseOrder === true,
      maxResults: Number(call.input.maxResults ?? 0),
      ...(typeof call.input.nextToken === "string" ? { nextToken: call.input.nextToken } : {}),
    });
  }

  /**
   * StopExecution (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StopExecution.html):
   * a running Standard execution ends at once as ABORTED with the error and cause given; a function a
   * Task had already invoked is not stopped and runs to its end. An execution that already ended stays
   * as it ended.
   */
  private stopExecution(call: SandboxCall): Record<string, unknown> {
    const execution = this.existing(call);
    if (execution.status === "RUNNING") {
      execution.stop.abort({ error: String(call.input.error ?? ""), cause: String(call.input.cause ?? "") });
    }
    return { stopDate: execution.stopDate ?? this.clock.now() };
  }

  private describeExecution(call: SandboxCall): Record<string, unknown> {
    const execution = this.existing(call);
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate,
      input: JSON.stringify(execution.input),
      ...(execution.stopDate ? { stopDate: execution.stopDate } : {}),
      ...(execution.output === undefined ? {} : { output: JSON.stringify(execution.output) }),
      ...(execution.error ? { error: execution.error, cause: execution.cause } : {}),
    };
  }

  private listExecutions(call: SandboxCall): Record<string, unknown> {
    const stateMachineArn = call.input.stateMachineArn;
    const executions = this.all()
      .filter((execution) => execution.stateMachineArn === stateMachineArn)
      .filter((execution) => !call.input.statusFilter || execution.status === call.input.statusFilter)
      .map(({ executionArn, stateMachineArn: machine, name, status, startDate, stopDate }) => ({
        executionArn,
        stateMachineArn: machine,
        name,
        status,
        startDate,
        ...(stopDate ? { stopDate } : {}),
      }));
    return { executions };
  }
}
