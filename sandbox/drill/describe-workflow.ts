import { type StepMark, stepSpans } from "../../core/report/step-spans.js";
import type { StepEvent } from "../local-workflow-runner.js";
import type { SandboxExecution } from "../services/sfn-model.js";
import type { DrillStep, DrillWorkflowRecord } from "./run-drill.js";

/** What the drill reports of one execution: kind, outcome, achieved RTO/RPO, one line per step. */
export function describeWorkflow(execution: SandboxExecution): DrillWorkflowRecord {
  const output = (execution.output ?? {}) as {
    verification?: { rtoSeconds?: number; rpoSeconds?: number };
    recovery?: { promotion?: { mode?: "switchover" | "failover" } };
    promotion?: { mode?: "switchover" | "failover" };
  };
  const status =
    execution.status === "SUCCEEDED"
      ? "succeeded"
      : execution.status === "RUNNING"
        ? "running"
        : execution.error === "PrecheckFailed"
          ? "aborted"
          : execution.error === "RequestRejected"
            ? "rejected"
            : execution.error === "SignalCleared"
              ? "cleared"
              : "escalated";
  return {
    kind: execution.stateMachineArn.endsWith("-failback") ? "failback" : "failover",
    status,
    verifiedRtoSeconds: output.verification?.rtoSeconds ?? null,
    rpoSeconds: output.verification?.rpoSeconds ?? null,
    mode: output.recovery?.promotion?.mode ?? output.promotion?.mode ?? modeFromSteps(execution.steps),
    reason: execution.status === "FAILED" ? failureReason(execution.steps) : null,
    steps: summariseSteps(execution.steps),
  };
}

/**
 * Poll loops call a step many times; a person wants one line per step. Measured by stepSpans, the one
 * function the terminal's lines and the incident report measure steps with.
 */
export function summariseSteps(events: readonly StepEvent[]): DrillStep[] {
  return stepSpans(events.map(stepMark)).map((span) => ({
    name: span.step,
    status: span.status,
    startedAt: span.startedAt,
    endedAt: span.endedAt,
  }));
}

/** A Step Functions event as a step mark: a poll that answered "pending" is not the step's end. */
export function stepMark(event: StepEvent): StepMark {
  const at = event.at.toISOString();
  if (event.phase === "started") return { step: event.state, at, phase: "started" };
  if (event.phase === "failed") return { step: event.state, at, phase: "failed" };
  const status = (event.result as { status?: unknown } | null)?.status;
  return { step: event.state, at, phase: status === "pending" ? "pending" : "done" };
}

function modeFromSteps(events: readonly StepEvent[]): "switchover" | "failover" | null {
  for (const event of events) {
    const mode = (event.result as { mode?: unknown } | null)?.mode;
    if (mode === "switchover" || mode === "failover") return mode;
  }
  return null;
}

function failureReason(events: readonly StepEvent[]): string | null {
  // A flap ends the run at "Confirm signal", whose result says why.
  const abort = [...events]
    .reverse()
    .find(
      (event) => ["Abort", "Escalate", "Confirm signal"].includes(event.state) && event.phase === "succeeded",
    );
  const reason = (abort?.result as { reason?: unknown } | null)?.reason;
  return typeof reason === "string" ? reason : null;
}
