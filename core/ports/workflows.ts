import type { MutationReceipt } from "./global-database.js";
import type { WorkflowKind } from "./plan-state.js";

export interface StartedWorkflow {
  executionArn: string;
  requestId: string;
}

/** One execution to start: each plan has its own failover and failback state machines. */
export interface WorkflowStart {
  kind: WorkflowKind;
  plan: string;
  executionName: string;
  input: unknown;
}

/** Starts the deployed state machines. */
export interface WorkflowStarterPort {
  /** The region of the state machines (the control plane's), where StartExecution is recorded. */
  readonly region: string;
  start(execution: WorkflowStart): Promise<StartedWorkflow>;
}

export interface AlarmState {
  state: "OK" | "ALARM" | "INSUFFICIENT_DATA";
  updatedAt: string;
}

/** An EventBridge rule whose pattern matches an alarm's state changes, and where it sends them. */
export interface AlarmEventRoute {
  region: string;
  eventBus: string;
  rule: string;
  enabled: boolean;
  /** The ARNs of the rule's targets: Lambda functions, event buses (to forward), or anything else. */
  targets: string[];
}

export interface AlarmPort {
  state(region: string, alarmName: string): Promise<AlarmState | undefined>;
  /**
   * The rules on event bus `bus.name` in `bus.region` that match the alarm's change to ALARM as
   * CloudWatch sends it (a forwarded event keeps the alarm's region); none when the alarm does not exist.
   */
  routes(
    alarm: { region: string; name: string },
    bus: { region: string; name: string },
  ): Promise<AlarmEventRoute[]>;
}

export interface NotifierPort {
  notify(subject: string, message: string, details: Record<string, unknown>): Promise<void>;
}

/** Answers a workflow paused on a task token (Step Functions SendTaskSuccess / SendTaskFailure). */
export interface TaskCallbackPort {
  /** The control plane's region, where the call goes and CloudTrail records it. */
  readonly region: string;
  succeed(taskToken: string, output: unknown): Promise<MutationReceipt>;
  fail(taskToken: string, error: string, cause: string): Promise<MutationReceipt>;
}
