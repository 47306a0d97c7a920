import type { WorkflowKind } from "./plan-state.js";

export interface StartedWorkflow {
  executionArn: string;
  requestId: string;
}

/** Starts the deployed state machines. */
export interface WorkflowStarterPort {
  /** The region of the state machines (the control plane's), where StartExecution is recorded. */
  readonly region: string;
  start(kind: WorkflowKind, executionName: string, input: unknown): Promise<StartedWorkflow>;
}

export interface AlarmState {
  state: "OK" | "ALARM" | "INSUFFICIENT_DATA";
  updatedAt: string;
}

export interface AlarmPort {
  state(region: string, alarmName: string): Promise<AlarmState | undefined>;
}

export interface NotifierPort {
  notify(subject: string, message: string, details: Record<string, unknown>): Promise<void>;
}
