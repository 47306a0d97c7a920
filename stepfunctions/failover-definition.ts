import type { Plan } from "../core/plan/schema.js";
import { type AslDefinition, task, waitForAnswer } from "./asl.js";
import { recoveryStates } from "./recovery-graph.js";
import { arnOf, type TaskFunctionArns } from "./task-functions.js";
import {
  acceptance,
  EXECUTION_TIMEOUT_SECONDS,
  outcome,
  signalHold,
  verification,
} from "./workflow-states.js";

/**
 * The failover workflow. Order of effects: accept the request and take the lock; for a run its alarm
 * started, the hold (a Wait) and the flap check, where a flap ends the run with nothing changed;
 * pre-checks; for a plan in approval mode started by its alarm, a pause until a person approves (nothing
 * has changed yet); the plan's blocks (stepfunctions/recovery-graph.ts): for a first-version plan the
 * database promotion and the nodegroup scale-up in parallel, then the traffic switch, which only moves
 * users once the promoted cluster is the writer (the step re-checks it); verification; record.
 * Any failure after the pre-checks goes to Escalate, which audits, undoes what is safe, and notifies.
 */
export function failoverDefinition(functions: TaskFunctionArns, plan: Plan): AslDefinition {
  const recovery = recoveryStates({
    plan,
    direction: "failover",
    phase: "activate",
    functions,
    next: "Verify recovery",
    escalate: "Escalate",
  });
  return {
    Comment:
      "kirikae failover: promote the standby region's Aurora cluster, scale its EKS nodegroups, move DNS",
    StartAt: "Begin",
    TimeoutSeconds: EXECUTION_TIMEOUT_SECONDS,
    States: {
      ...acceptance(functions, "failover", plan.name, "Approval needed?", "Started by an alarm?"),
      ...signalHold(functions, plan),
      "Approval needed?": {
        Type: "Choice",
        Choices: [{ Variable: "$.request.approval.required", BooleanEquals: true, Next: "Await approval" }],
        Default: recovery.entry,
      },
      "Await approval": waitForAnswer({
        functionArn: arnOf(functions, "requestApproval"),
        payload: { "request.$": "$.request", "execution.$": "$.execution", "precheck.$": "$.precheck" },
        timeoutSecondsPath: "$.request.approval.timeoutSeconds",
        resultPath: "$.approval",
        next: recovery.entry,
        catchTo: { resultPath: "$.approvalFailure", next: "Not approved" },
      }),
      "Not approved": task(arnOf(functions, "abortWorkflow"), "$.outcome", "Abandoned"),
      Abandoned: {
        Type: "Fail",
        Error: "NotApproved",
        Cause:
          "The failover waited for approval and was rejected or not answered in time; nothing was changed.",
      },
      ...recovery.states,
      ...verification(functions, "Record outcome"),
      ...outcome(functions),
    },
  };
}
