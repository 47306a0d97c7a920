import { auditTrail, call, type StepCall } from "../core/workflow/step-calls.js";

/** A paused Task: it keeps the token with the plan's state, records the question and pages. */
export function pauseCalls(home: string): StepCall[] {
  return [
    call("dynamodb:UpdateItem", home, true, "plan state: keeps the task token"),
    ...auditTrail(home),
    call("sns:Publish", home, true, "notifies the on-call topic"),
  ];
}
