import type { Plan } from "../core/plan/schema.js";
import { type AslState, catchAll, pollLoop, task } from "./asl.js";
import { arnOf, type TaskFunctionArns } from "./task-functions.js";

/** A hard backstop well past any plan's rollback trigger; the steps themselves stop at the trigger. */
export const EXECUTION_TIMEOUT_SECONDS = 4 * 3600;

/**
 * How every workflow begins: keep the input as the request, note the execution, and let the first step
 * accept the request (and take the plan's lock) or refuse it with nothing changed. `afterAccept` is
 * where an accepted request goes before the pre-checks (the failover's signal hold), `next` where it
 * goes once they pass.
 */
export function acceptance(
  functions: TaskFunctionArns,
  kind: "failover" | "failback",
  planName: string,
  next: string,
  afterAccept = "Pre-checks",
): Record<string, AslState> {
  return {
    Begin: {
      Type: "Pass",
      Parameters: {
        "request.$": "$",
        execution: { "id.$": "$$.Execution.Id", "startedAt.$": "$$.Execution.StartTime" },
        kind,
        // The plan this machine was generated from: the first step refuses a request for another plan.
        machinePlan: planName,
        // Where each block keeps its result (stepfunctions/recovery-graph.ts).
        blocks: {},
      },
      Next: "Accept request",
    },
    "Accept request": task(arnOf(functions, "acceptRequest"), "$.request", afterAccept, {
      Catch: [
        {
          ErrorEquals: ["InvalidWorkflowInput", "PlanNotFoundError"],
          ResultPath: "$.failure",
          Next: "Rejected",
        },
      ],
    }),
    Rejected: {
      Type: "Fail",
      Error: "RequestRejected",
      Cause: "The request was refused before anything changed; the audit trail records why.",
    },
    "Pre-checks": task(arnOf(functions, "precheck"), "$.precheck", "Ready?", { Catch: [catchAll("Abort")] }),
    "Ready?": {
      Type: "Choice",
      Choices: [{ Variable: "$.precheck.ok", BooleanEquals: true, Next: next }],
      Default: "Abort",
    },
    Abort: task(arnOf(functions, "abortWorkflow"), "$.outcome", "Not started"),
    "Not started": {
      Type: "Fail",
      Error: "PrecheckFailed",
      Cause:
        "The region being activated is not ready; nothing was changed. See the audit trail for the failed check.",
    },
  };
}

/**
 * The hold and the flap check of a failover its alarm started (a request by hand skips both: a person
 * decided). "Confirm signal" reads the plan's trigger alarms where they answer and says how long the
 * signal still has to hold; the Wait between its calls is where the hold time passes, in the workflow
 * rather than in the detector, so the detector never waits and a redelivered event never waits twice.
 * A signal that cleared ends the run before the pre-checks, with the lock released and no cooldown.
 * A plan with `triggers.prepareDuringHold` first scales the standby up ("Prepare capacity", best effort:
 * a failure there only means the scale steps do it later), and a flap then goes through "Undo
 * preparation", which puts the standby back before it releases the lock.
 */
export function signalHold(functions: TaskFunctionArns, plan: Plan): Record<string, AslState> {
  const prepares = plan.triggers.prepareDuringHold;
  return {
    "Started by an alarm?": {
      Type: "Choice",
      Choices: [
        {
          Variable: "$.request.trigger.type",
          StringEquals: "alarm",
          Next: prepares ? "Prepare capacity" : "Confirm signal",
        },
      ],
      Default: "Pre-checks",
    },
    ...(prepares
      ? {
          "Prepare capacity": task(arnOf(functions, "prepareCapacity"), "$.preparation", "Confirm signal", {
            Catch: [
              { ErrorEquals: ["States.ALL"], ResultPath: "$.preparationFailure", Next: "Confirm signal" },
            ],
          }),
        }
      : {}),
    ...pollLoop({
      name: "Confirm signal",
      resource: arnOf(functions, "confirmSignal"),
      resultPath: "$.signal",
      doneName: "Signal held?",
      done: {
        Type: "Choice",
        Choices: [{ Variable: "$.signal.held", BooleanEquals: true, Next: "Pre-checks" }],
        Default: prepares ? "Undo preparation" : "Signal cleared",
      },
      catchTo: "Abort",
    }),
    ...(prepares
      ? pollLoop({
          name: "Undo preparation",
          resource: arnOf(functions, "undoPreparation"),
          resultPath: "$.undo",
          doneName: "Preparation undone",
          done: { Type: "Pass", Next: "Signal cleared" },
          catchTo: "Abort",
        })
      : {}),
    "Signal cleared": {
      Type: "Fail",
      Error: "SignalCleared",
      Cause: prepares
        ? "The alarm left ALARM within the plan's hold time (a flap): the early scale-up was put back, the lock released and no cooldown started."
        : "The alarm left ALARM within the plan's hold time (a flap): nothing was changed, the lock was released and no cooldown started.",
    },
  };
}

/** Verification, once every block is done: the same for both directions. */
export function verification(functions: TaskFunctionArns, afterVerify: string): Record<string, AslState> {
  return pollLoop({
    name: "Verify recovery",
    resource: arnOf(functions, "verifyRecovery"),
    resultPath: "$.verification",
    doneName: "Recovery verified",
    done: { Type: "Pass", Next: afterVerify },
    catchTo: "Escalate",
  });
}

/** Success and escalation: one records the outcome, the other audits, undoes what is safe, and notifies. */
export function outcome(functions: TaskFunctionArns): Record<string, AslState> {
  return {
    "Record outcome": task(arnOf(functions, "completeWorkflow"), "$.outcome", "Done", {
      Catch: [catchAll("Escalate")],
    }),
    Done: { Type: "Succeed" },
    Escalate: task(arnOf(functions, "abortWorkflow"), "$.outcome", "Escalated"),
    Escalated: {
      Type: "Fail",
      Error: "WorkflowEscalated",
      Cause:
        "The workflow stopped and escalated; traffic was not moved to a region whose database is not the writer.",
    },
  };
}
