/**
 * Builders for the Amazon States Language (JSONPath query language) pieces kirikae's workflows share.
 * The workflows are data: infra deploys them and the local runner executes them, from this one source.
 */

export type AslState = Record<string, unknown>;
export interface AslDefinition {
  Comment: string;
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, AslState>;
}

/**
 * Errors worth retrying: AWS throttling/5xx/timeouts surfaced by the steps, a contended audit append, and
 * Lambda's own transient failures. Every step re-reads state before acting, so a retry is always safe.
 */
export const TRANSIENT_ERRORS = [
  "TransientAwsError",
  "AuditWriteError",
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
];

/**
 * A region outage sends every application of every account in it to the same standby region at once, so
 * throttling there lasts as long as the stampede: ten attempts backing off to 30 s (about three minutes at
 * worst, well within any rollback trigger) keep a throttled step from ending a run that would succeed. A
 * drill of 20 plans under an account's shared limits showed runs ending at the sixth attempt. Retry's
 * MaxDelaySeconds and JitterStrategy FULL: Step Functions Developer Guide, "Handling errors in Step
 * Functions workflows", https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export const TRANSIENT_RETRY = {
  ErrorEquals: TRANSIENT_ERRORS,
  IntervalSeconds: 1,
  BackoffRate: 2,
  MaxAttempts: 10,
  MaxDelaySeconds: 30,
  JitterStrategy: "FULL",
};

/** A step's Lambda may not run longer than this; its polls are short, the waiting happens in Wait states. */
export const TASK_TIMEOUT_SECONDS = 120;

export function task(resource: string, resultPath: string, next: string, extra: AslState = {}): AslState {
  return {
    Type: "Task",
    Resource: resource,
    ResultPath: resultPath,
    TimeoutSeconds: TASK_TIMEOUT_SECONDS,
    Retry: [TRANSIENT_RETRY],
    Next: next,
    ...extra,
  };
}

/**
 * A bounded polling loop around an idempotent step: call it, stop when it reports done, else wait the
 * seconds it asks for and call it again. The bound is the plan's rollback trigger, which the step
 * enforces by failing with RollbackTriggerExceeded.
 */
export function pollLoop(options: {
  name: string;
  resource: string;
  resultPath: string;
  done: AslState;
  doneName: string;
  catchTo?: string;
  /** Further routes on the step's result, tried after "done" and before waiting to poll again. */
  choices?: AslState[];
}): Record<string, AslState> {
  const { name, resource, resultPath, done, doneName, catchTo } = options;
  const checkName = `${name} done?`;
  const waitName = `Wait for ${name.toLowerCase()}`;
  return {
    [name]: task(resource, resultPath, checkName, catchTo ? { Catch: [catchAll(catchTo)] } : {}),
    [checkName]: {
      Type: "Choice",
      Choices: [
        { Variable: `${resultPath}.status`, StringEquals: "done", Next: doneName },
        ...(options.choices ?? []),
      ],
      Default: waitName,
    },
    [waitName]: { Type: "Wait", SecondsPath: `${resultPath}.pollAfterSeconds`, Next: name },
    [doneName]: done,
  };
}

/** The integration a Task uses to pause until its token is sent back (SendTaskSuccess / SendTaskFailure). */
export const WAIT_FOR_TASK_TOKEN = "arn:aws:states:::lambda:invoke.waitForTaskToken";

/**
 * A Task that invokes a Lambda with `taskToken` added to its input and then waits, up to the number of
 * seconds at `timeoutSecondsPath`, for someone to answer with that token.
 */
export function waitForAnswer(options: {
  functionArn: string;
  payload: Record<string, string>;
  timeoutSecondsPath: string;
  resultPath: string;
  next: string;
  catchTo: { resultPath: string; next: string };
  /** Where a rejection (an answer sent with SendTaskFailure) goes, when not where other failures go. */
  rejectedTo?: { error: string; resultPath: string; next: string };
}): AslState {
  const { rejectedTo } = options;
  return {
    Type: "Task",
    Resource: WAIT_FOR_TASK_TOKEN,
    Parameters: {
      FunctionName: options.functionArn,
      Payload: { ...options.payload, "taskToken.$": "$$.Task.Token" },
    },
    TimeoutSecondsPath: options.timeoutSecondsPath,
    ResultPath: options.resultPath,
    Retry: [TRANSIENT_RETRY],
    Catch: [
      ...(rejectedTo
        ? [{ ErrorEquals: [rejectedTo.error], ResultPath: rejectedTo.resultPath, Next: rejectedTo.next }]
        : []),
      { ErrorEquals: ["States.ALL"], ResultPath: options.catchTo.resultPath, Next: options.catchTo.next },
    ],
    Next: options.next,
  };
}

export function catchAll(next: string): AslState {
  return { ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: next };
}

export interface TaskStateInfo {
  name: string;
  /** The Lambda function the Task runs: its Resource, or for an integration its Parameters.FunctionName. */
  resource: string;
  /** Whether the Task pauses until its task token is answered. */
  waitsForToken: boolean;
}

/** All Task states of a definition, including those inside Parallel branches, by state name. */
export function taskStates(definition: { States: Record<string, AslState> }): TaskStateInfo[] {
  const found: TaskStateInfo[] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === "Task") {
      const waitsForToken = state.Resource === WAIT_FOR_TASK_TOKEN;
      const parameters = state.Parameters as { FunctionName?: unknown } | undefined;
      const resource = waitsForToken ? String(parameters?.FunctionName) : String(state.Resource);
      found.push({ name, resource, waitsForToken });
    }
    if (state.Type === "Parallel") {
      for (const branch of state.Branches as Array<{ States: Record<string, AslState> }>) {
        found.push(...taskStates(branch));
      }
    }
  }
  return found;
}

/** All Wait states, for the local runner, which hands their pauses to the virtual clock. */
export function waitStateNames(definition: { States: Record<string, AslState> }): string[] {
  const found: string[] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === "Wait") found.push(name);
    if (state.Type === "Parallel") {
      for (const branch of state.Branches as Array<{ States: Record<string, AslState> }>) {
        found.push(...waitStateNames(branch));
      }
    }
  }
  return found;
}
