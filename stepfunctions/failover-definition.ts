import { type AslDefinition, catchAll, pollLoop, task } from "./asl.js";
import type { TaskFunctionArns } from "./task-functions.js";

/** A hard backstop well past any plan's rollback trigger; the steps themselves stop at the trigger. */
const EXECUTION_TIMEOUT_SECONDS = 4 * 3600;

/**
 * The failover workflow (failback has its own, built from the same steps). Order of effects:
 * pre-checks; database promotion and nodegroup scale-up in parallel, each a bounded polling loop; DNS
 * switch only once the promoted cluster is the writer (the step re-checks it); verification; record.
 * Any failure after the pre-checks goes to Escalate, which audits, undoes what is safe, and notifies.
 */
export function failoverDefinition(functions: TaskFunctionArns): AslDefinition {
  return {
    Comment:
      "kirikae failover: promote the standby region's Aurora cluster, scale its EKS nodegroups, move DNS",
    StartAt: "Begin",
    TimeoutSeconds: EXECUTION_TIMEOUT_SECONDS,
    States: {
      Begin: {
        Type: "Pass",
        Parameters: {
          "request.$": "$",
          execution: { "id.$": "$$.Execution.Id", "startedAt.$": "$$.Execution.StartTime" },
        },
        Next: "Pre-checks",
      },
      "Pre-checks": task(functions.precheck, "$.precheck", "Standby ready?", {
        Catch: [catchAll("Abort")],
      }),
      "Standby ready?": {
        Type: "Choice",
        Choices: [{ Variable: "$.precheck.ok", BooleanEquals: true, Next: "Recover" }],
        Default: "Abort",
      },
      Abort: task(functions.abortWorkflow, "$.outcome", "Not started"),
      "Not started": {
        Type: "Fail",
        Error: "PrecheckFailed",
        Cause:
          "The standby region is not ready; nothing was changed. See the audit trail for the failed check.",
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
      ...pollLoop({
        name: "Switch traffic",
        resource: functions.switchTraffic,
        resultPath: "$.traffic",
        doneName: "Traffic switched",
        done: { Type: "Pass", Next: "Verify recovery" },
        catchTo: "Escalate",
      }),
      ...pollLoop({
        name: "Verify recovery",
        resource: functions.verifyRecovery,
        resultPath: "$.verification",
        doneName: "Recovery verified",
        done: { Type: "Pass", Next: "Record outcome" },
        catchTo: "Escalate",
      }),
      "Record outcome": task(functions.completeWorkflow, "$.outcome", "Done", {
        Catch: [catchAll("Escalate")],
      }),
      Done: { Type: "Succeed" },
      Escalate: task(functions.abortWorkflow, "$.outcome", "Escalated"),
      Escalated: {
        Type: "Fail",
        Error: "WorkflowEscalated",
        Cause:
          "The workflow stopped and escalated; traffic was not moved to a region whose database is not the writer.",
      },
    },
  };
}
