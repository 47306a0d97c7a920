import { type AslDefinition, catchAll, pollLoop, task, waitForAnswer } from "./asl.js";
import type { TaskFunctionArns } from "./task-functions.js";
import {
  acceptance,
  EXECUTION_TIMEOUT_SECONDS,
  outcome,
  signalHold,
  switchAndVerify,
} from "./workflow-states.js";

/**
 * The failover workflow. Order of effects: accept the request and take the lock; for a run its alarm
 * started, the hold (a Wait) and the flap check, where a flap ends the run with nothing changed;
 * pre-checks; for a plan in approval mode started by its alarm, a pause until a person approves (nothing
 * has changed yet); database promotion and nodegroup scale-up in parallel, each a bounded polling loop;
 * DNS switch only once the promoted cluster is the writer (the step re-checks it); verification; record.
 * Any failure after the pre-checks goes to Escalate, which audits, undoes what is safe, and notifies.
 */
export function failoverDefinition(functions: TaskFunctionArns): AslDefinition {
  return {
    Comment:
      "kirikae failover: promote the standby region's Aurora cluster, scale its EKS nodegroups, move DNS",
    StartAt: "Begin",
    TimeoutSeconds: EXECUTION_TIMEOUT_SECONDS,
    States: {
      ...acceptance(functions, "failover", "Approval needed?", "Started by an alarm?"),
      ...signalHold(functions),
      "Approval needed?": {
        Type: "Choice",
        Choices: [{ Variable: "$.request.approval.required", BooleanEquals: true, Next: "Await approval" }],
        Default: "Recover",
      },
      "Await approval": waitForAnswer({
        functionArn: functions.requestApproval,
        payload: { "request.$": "$.request", "execution.$": "$.execution", "precheck.$": "$.precheck" },
        timeoutSecondsPath: "$.request.approval.timeoutSeconds",
        resultPath: "$.approval",
        next: "Recover",
        catchTo: { resultPath: "$.approvalFailure", next: "Not approved" },
      }),
      "Not approved": task(functions.abortWorkflow, "$.outcome", "Abandoned"),
      Abandoned: {
        Type: "Fail",
        Error: "NotApproved",
        Cause:
          "The failover waited for approval and was rejected or not answered in time; nothing was changed.",
      },
      Recover: {
        Type: "Parallel",
        Branches: [
          {
            StartAt: "Promote database",
            States: pollLoop({
              name: "Promote database",
              resource: functions.promoteDatabase,
              resultPath: "$.promotion",
              doneName: "Database promoted",
              done: { Type: "Succeed" },
            }),
          },
          {
            StartAt: "Scale up nodegroups",
            States: pollLoop({
              name: "Scale up nodegroups",
              resource: functions.scaleNodegroups,
              resultPath: "$.scaling",
              doneName: "Nodegroups scaled",
              done: { Type: "Succeed" },
            }),
          },
        ],
        ResultSelector: { "promotion.$": "$[0].promotion", "scaling.$": "$[1].scaling" },
        ResultPath: "$.recovery",
        Catch: [catchAll("Escalate")],
        Next: "Switch traffic",
      },
      ...switchAndVerify(functions, "Record outcome"),
      ...outcome(functions),
    },
  };
}
