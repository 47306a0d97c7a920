import aslValidator from "asl-validator";
import { describe, expect, it } from "vitest";
import { type AslState, TRANSIENT_ERRORS, taskStates } from "../../stepfunctions/asl.js";
import { failoverDefinition } from "../../stepfunctions/failover-definition.js";
import { localTaskFunctionArns, taskFunctionKeys } from "../../stepfunctions/task-functions.js";

const arns = localTaskFunctionArns("ap-southeast-1", "111122223333");
const definition = failoverDefinition(arns);

describe("failover state machine definition", () => {
  it("is valid Amazon States Language", () => {
    const result = aslValidator(structuredClone(definition));

    expect(result.errorsText()).toBe("");
    expect(result.isValid).toBe(true);
  });

  it("maps every Task to one of the functions infra creates", () => {
    const known = new Set(Object.values(arns));

    for (const task of taskStates(definition)) expect(known, task.name).toContain(task.resource);
    expect(new Set(taskStates(definition).map((task) => task.resource)).size).toBe(taskFunctionKeys.length);
  });

  it("gives every Task explicit Retry settings for transient errors and a timeout", () => {
    for (const { name } of taskStates(definition)) {
      const state = findState(definition.States, name);
      expect(state?.Retry, name).toEqual([
        expect.objectContaining({ ErrorEquals: TRANSIENT_ERRORS, JitterStrategy: "FULL" }),
      ]);
      expect(state?.TimeoutSeconds, name).toBeGreaterThan(0);
    }
  });

  it("switches traffic only after the parallel recovery (promotion and scale-up) has finished", () => {
    expect(definition.States.Recover?.Next).toBe("Switch traffic");
    const switchStep = findState(definition.States, "Switch traffic");
    expect(switchStep?.Catch).toEqual([expect.objectContaining({ Next: "Escalate" })]);
  });

  it("routes every failure after the pre-checks to escalation, never onward to DNS", () => {
    for (const name of ["Recover", "Switch traffic", "Verify recovery", "Record outcome"]) {
      expect(definition.States[name]?.Catch, name).toEqual([
        { ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "Escalate" },
      ]);
    }
    expect(definition.States.Escalate?.Next).toBe("Escalated");
    expect(definition.States.Escalated?.Type).toBe("Fail");
  });
});

function findState(states: Record<string, AslState>, name: string): AslState | undefined {
  if (states[name]) return states[name];
  for (const state of Object.values(states)) {
    for (const branch of (state.Branches as Array<{ States: Record<string, AslState> }> | undefined) ?? []) {
      const found = findState(branch.States, name);
      if (found) return found;
    }
  }
  return undefined;
}
