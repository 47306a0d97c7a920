import { describe, expect, it } from "vitest";
import { failbackDefinition } from "../../stepfunctions/failback-definition.js";
import { failoverDefinition } from "../../stepfunctions/failover-definition.js";
import { localTaskFunctionArns } from "../../stepfunctions/task-functions.js";
import { testPlan } from "../support/plan-fixtures.js";

const arns = localTaskFunctionArns("ap-southeast-1", "111122223333");
const plan = testPlan();
const failover = failoverDefinition(arns, plan);

describe("the failover's signal hold, in the state machine", () => {
  it("holds and re-checks an alarm-started run between accepting it and its pre-checks; a run by hand goes straight on", () => {
    expect(failover.States["Accept request"]?.Next).toBe("Started by an alarm?");
    expect(failover.States["Started by an alarm?"]).toEqual({
      Type: "Choice",
      Choices: [{ Variable: "$.request.trigger.type", StringEquals: "alarm", Next: "Confirm signal" }],
      Default: "Pre-checks",
    });
    expect(failover.States["Confirm signal"]).toMatchObject({
      Resource: arns.confirmSignal,
      ResultPath: "$.signal",
      Next: "Confirm signal done?",
      Catch: [expect.objectContaining({ ErrorEquals: ["States.ALL"], Next: "Abort" })],
    });
  });

  it("passes the hold in a Wait state for as long as the step asks, then asks again", () => {
    expect(failover.States["Confirm signal done?"]).toMatchObject({
      Choices: [{ Variable: "$.signal.status", StringEquals: "done", Next: "Signal held?" }],
      Default: "Wait for confirm signal",
    });
    expect(failover.States["Wait for confirm signal"]).toEqual({
      Type: "Wait",
      SecondsPath: "$.signal.pollAfterSeconds",
      Next: "Confirm signal",
    });
  });

  it("goes on to the pre-checks only for a signal that held, and ends a cleared one before anything changes", () => {
    expect(failover.States["Signal held?"]).toEqual({
      Type: "Choice",
      Choices: [{ Variable: "$.signal.held", BooleanEquals: true, Next: "Pre-checks" }],
      Default: "Signal cleared",
    });
    expect(failover.States["Signal cleared"]).toMatchObject({ Type: "Fail", Error: "SignalCleared" });
  });

  it("leaves the failback, which a person starts, without a hold", () => {
    const failback = failbackDefinition(arns, plan);

    expect(failback.States["Accept request"]?.Next).toBe("Pre-checks");
    expect(JSON.stringify(failback)).not.toContain("Confirm signal");
  });
});
