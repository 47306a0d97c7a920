import { APPROVAL_REJECTED } from "../core/approval/decide-approval.js";
import { type AslDefinition, type AslState, catchAll, pollLoop, task, waitForAnswer } from "./asl.js";
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
 * has changed yet); database promotion and nodegroup scale-up in parallel, each a bounded polling loop,
 * the promotion pausing on a person where a failover would lose more than the RPO allows; DNS switch only
 * once the promoted cluster is the writer (the step re-checks it); verification; record.
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
            States: {
              ...pollLoop({
                name: "Promote database",
                resource: functions.promoteDatabase,
                resultPath: "$.promotion",
                doneName: "Database promoted",
                done: { Type: "Succeed" },
                choices: [
                  { Variable: "$.promotion.status", StringEquals: "ask", Next: "Await data-loss approval" },
                ],
              }),
              ...dataLossQuestion(functions),
            },
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

/**
 * The promotion's question (the README's "asks" rows), inside its Parallel branch so the scale-up goes on
 * meanwhile and the lock stays held: the step returned status "ask" with the stakes; the run pauses, keeps
 * the token with the plan's state for `kirikae approve`, and waits no later than the rollback trigger (the
 * step computed the timeout from it). An approval goes back into "Promote database" as
 * `$.promotion.answer`, which the step reads before failing over with data loss; a rejection or no answer
 * fails the branch, so the Parallel's Catch escalates with nothing promoted and DNS untouched.
 */
function dataLossQuestion(functions: TaskFunctionArns): Record<string, AslState> {
  return {
    "Await data-loss approval": waitForAnswer({
      functionArn: functions.requestApproval,
      payload: {
        question: "data-loss",
        "request.$": "$.request",
        "execution.$": "$.execution",
        "promotion.$": "$.promotion",
      },
      timeoutSecondsPath: "$.promotion.question.timeoutSeconds",
      resultPath: "$.promotion.answer",
      next: "Promote database",
      rejectedTo: { error: APPROVAL_REJECTED, resultPath: "$.dataLossAnswer", next: "Data loss rejected" },
      catchTo: { resultPath: "$.dataLossAnswer", next: "Data loss not approved" },
    }),
    "Data loss rejected": {
      Type: "Fail",
      Error: "DataLossRejected",
      // "rejected by <IAM identity>: <reason>", as `kirikae approve --reject` sent it.
      CausePath: "$.dataLossAnswer.Cause",
    },
    "Data loss not approved": {
      Type: "Fail",
      Error: "DataLossNotApproved",
      Cause:
        "No one approved the failover with data loss before the plan's rollback trigger; nothing was promoted and DNS was not touched.",
    },
  };
}
