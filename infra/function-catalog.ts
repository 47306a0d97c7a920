import type { Plan } from "../core/plan/schema.js";
import { TASK_TIMEOUT_SECONDS } from "../stepfunctions/asl.js";
import { taskFunctions, taskFunctionsFor } from "../steps/registry.js";

/** What invokes a function; infra wires exactly this and nothing else. */
export type FunctionTrigger =
  | { kind: "workflow-task" }
  | { kind: "alarm-events" }
  | { kind: "schedule"; everyMinutes: number }
  | { kind: "on-demand"; by: string };

export interface FunctionSpec {
  key: string;
  /** Entry point relative to the repository root, as `file.export`. */
  handler: string;
  trigger: FunctionTrigger;
  description: string;
}

/**
 * The functions outside the state machines: the detector, the audit functions (the evidence linker, the
 * hourly digest writer), the readiness check and the fencing of a region a data-loss failover left.
 */
export const controlFunctions = [
  {
    key: "detectAlarm",
    handler: "functions/detect-alarm.handler",
    trigger: { kind: "alarm-events" },
    description: "Decides on alarm state changes at once and starts at most one failover per plan",
  },
  {
    key: "queryAudit",
    handler: "functions/query-audit.handler",
    trigger: { kind: "on-demand", by: "the console's Test tab or the CLI" },
    description: "Answers audit questions from the trail's indexes",
  },
  {
    key: "linkEvidence",
    handler: "functions/link-evidence.handler",
    trigger: { kind: "schedule", everyMinutes: 15 },
    description: "Links recorded AWS calls to their CloudTrail events",
  },
  {
    key: "checkReadiness",
    handler: "functions/check-readiness.handler",
    trigger: { kind: "schedule", everyMinutes: 30 },
    description: "Checks that each plan could fail over now and publishes its gaps",
  },
  {
    key: "fenceReturnedRegions",
    handler: "functions/fence-returned-regions.handler",
    trigger: { kind: "schedule", everyMinutes: 5 },
    description: "Scales a region a data-loss failover left to standby sizes once it answers again",
  },
  {
    key: "writeDigests",
    handler: "functions/write-digests.handler",
    trigger: { kind: "schedule", everyMinutes: 60 },
    description: "Signs a digest of each plan's audit chain into the Object Lock bucket",
  },
] as const satisfies readonly FunctionSpec[];

export type ControlFunctionKey = (typeof controlFunctions)[number]["key"];

/**
 * Every function a control plane runs: one per workflow task (read from the step registry; with plans,
 * only the kinds of block they use), then the rest.
 */
export function allFunctions(plans?: readonly Plan[]): FunctionSpec[] {
  const tasks: FunctionSpec[] = (plans ? taskFunctionsFor(plans) : taskFunctions()).map((task) => ({
    key: task.key,
    handler: task.handler,
    trigger: { kind: "workflow-task" },
    description: task.description,
  }));
  return [...tasks, ...controlFunctions];
}

/** Lambda's own ceiling. */
const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
/**
 * The detector reads the state table, takes the lock, starts an execution (retrying throttling for about
 * 13 s) and writes two audit records; it never waits out a hold. Short, so a hung invocation fails and is
 * retried by Lambda while the incident is still young.
 */
const DETECTOR_TIMEOUT_SECONDS = 60;

/**
 * How long each function may run. A task gives up before its Task state's own timeout, so the state
 * machine sees the function's error rather than a bare States.Timeout; the detector's time does not
 * depend on the plans, since the hold runs in the workflow.
 */
export function timeoutSeconds(spec: FunctionSpec, _plans: readonly Plan[]): number {
  switch (spec.trigger.kind) {
    case "workflow-task":
      return TASK_TIMEOUT_SECONDS - 10;
    case "alarm-events":
      return DETECTOR_TIMEOUT_SECONDS;
    case "schedule":
      // CloudTrail's LookupEvents is paced at 2 calls per second; finish well before the next run.
      return Math.min(LAMBDA_MAX_TIMEOUT_SECONDS, (spec.trigger.everyMinutes * 60) / 2);
    case "on-demand":
      return 60;
  }
}
