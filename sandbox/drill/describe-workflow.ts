import type { StepEvent } from "../local-workflow-runner.js";
import type { SandboxExecution } from "../services/sfn-model.js";
import type { DrillStep, DrillWorkflow } from "./run-drill.js";

/** What the drill reports of one execution: kind, outcome, achieved RTO/RPO, one line per step. */
export function describeWorkflow(execution: SandboxExecution): DrillWorkflow {
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
    rtoSeconds: output.verification?.rtoSeconds ?? null,
    rpoSeconds: output.verification?.rpoSeconds ?? null,
    mode: output.recovery?.promotion?.mode ?? output.promotion?.mode ?? modeFromSteps(execution.steps),
    reason: execution.status === "FAILED" ? failureReason(execution.steps) : null,
    steps: summariseSteps(execution.steps),
  };
}

/** Poll loops call a step many times; a person wants one line per step: first start to last end. */
export function summariseSteps(events: readonly StepEvent[]): DrillStep[] {
  const steps = new Map<string, DrillStep>();
  for (const event of events) {
    const at = event.at.toISOString();
    const step = steps.get(event.state) ?? {
      name: event.state,
      status: "pending",
      startedAt: at,
      endedAt: at,
    };
    step.endedAt = at;
    if (event.phase === "failed") step.status = "failed";
    if (event.phase === "succeeded") {
      const status = (event.result as { status?: unknown } | null)?.status;
      step.status = status === "pending" ? "pending" : "succeeded";
    }
    steps.set(event.state, step);
  }
  return [...steps.values()];
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
