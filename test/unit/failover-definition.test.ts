import aslValidator from "asl-validator";
import { describe, expect, it } from "vitest";
import { type AslState, TRANSIENT_ERRORS, taskStates } from "../../stepfunctions/asl.js";
import { failbackDefinition } from "../../stepfunctions/failback-definition.js";
import { failoverDefinition } from "../../stepfunctions/failover-definition.js";
import { localTaskFunctionArns, taskFunctionKeys } from "../../stepfunctions/task-functions.js";
import { testPlan } from "../support/plan-fixtures.js";

const arns = localTaskFunctionArns("ap-southeast-1", "111122223333");
const plan = testPlan();
const definition = failoverDefinition(arns, plan);
const failback = failbackDefinition(arns, plan);

describe.each([
  ["failover", definition],
  ["failback", failback],
])("%s state machine definition", (_kind, machine) => {
  it("is valid Amazon States Language", () => {
    const result = aslValidator(structuredClone(machine));

    expect(result.errorsText()).toBe("");
    expect(result.isValid).toBe(true);
  });

  it("maps every Task to one of the functions infra creates", () => {
    const known = new Set(Object.values(arns));

    for (const task of taskStates(machine)) expect(known, task.name).toContain(task.resource);
  });

  it("gives every Task explicit Retry settings for transient errors and a timeout", () => {
    for (const { name } of taskStates(machine)) {
      const state = findState(machine.States, name);
      expect(state?.Retry, name).toEqual([
        expect.objectContaining({ ErrorEquals: TRANSIENT_ERRORS, JitterStrategy: "FULL" }),
      ]);
      // A Task waiting for a person is bounded by the plan's own timeout, carried in the request.
      const timeout = state?.TimeoutSeconds ?? (state?.TimeoutSecondsPath ? 1 : undefined);
      expect(timeout, name).toBeGreaterThan(0);
    }
  });

  it("accepts the request first, and refuses bad input before anything else runs", () => {
    expect(machine.States.Begin?.Next).toBe("Accept request");
    expect(machine.States["Accept request"]?.Catch).toEqual([
      expect.objectContaining({
        ErrorEquals: ["InvalidWorkflowInput", "PlanNotFoundError"],
        Next: "Rejected",
      }),
    ]);
    expect(machine.States.Rejected?.Type).toBe("Fail");
  });
});

describe("approval", () => {
  it("pauses for approval only after the pre-checks passed and before anything changes", () => {
    expect(definition.States["Ready?"]).toMatchObject({ Choices: [{ Next: "Approval needed?" }] });
    expect(definition.States["Approval needed?"]).toMatchObject({
      Choices: [{ Variable: "$.request.approval.required", BooleanEquals: true, Next: "Await approval" }],
      Default: "Recover",
    });
    expect(definition.States["Await approval"]).toMatchObject({
      Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
      Parameters: { Payload: { "taskToken.$": "$$.Task.Token" } },
      TimeoutSecondsPath: "$.request.approval.timeoutSeconds",
      Next: "Recover",
      Catch: [{ ErrorEquals: ["States.ALL"], Next: "Not approved" }],
    });
    expect(definition.States["Not approved"]?.Next).toBe("Abandoned");
    expect(JSON.stringify(failback)).not.toContain("Await approval");
  });
});

describe("the two workflows together", () => {
  it("use only functions infra creates, and for a first-version plan those of its three blocks", () => {
    const used = new Set([...taskStates(definition), ...taskStates(failback)].map((task) => task.resource));
    const created = new Set(taskFunctionKeys.map((key) => arns[key]));
    // Block kinds the plan does not use, and the early scale-up it does not ask for (prepareDuringHold).
    const blockFunctions = [
      "scaleAutoScalingGroup",
      "scaleEcsService",
      "runCustomStep",
      "probeHttp",
      "prepareCapacity",
      "undoPreparation",
    ];

    expect([...used].every((arn) => created.has(arn))).toBe(true);
    expect([...used].sort()).toEqual(
      taskFunctionKeys
        .filter((key) => !blockFunctions.includes(key))
        .map((key) => arns[key])
        .sort(),
    );
  });

  it("fail back in the safe order: capacity first, switchover, DNS, verify, scale-down last", () => {
    const order = [
      "Accept request",
      "Pre-checks",
      "Scale up nodegroups",
      "Switch over database",
      "Switch traffic",
      "Verify recovery",
      "Scale down nodegroups",
      "Record outcome",
    ];
    const visited: string[] = [];
    let state = failback.StartAt;
    while (state && visited.length < 40) {
      visited.push(state);
      const current = failback.States[state];
      const choices = current?.Choices as
        | Array<{ Next: string; StringEquals?: string; BooleanEquals?: boolean }>
        | undefined;
      state = (choices?.[0]?.Next ?? current?.Next) as string;
    }

    expect(visited.filter((name) => order.includes(name))).toEqual(order);
  });
});

describe("failover state machine definition", () => {
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

describe("the data-loss question", () => {
  it("pauses inside the promotion branch, bounded by the step's timeout, and returns to the promotion with the answer", () => {
    expect(findState(definition.States, "Promote database done?")?.Choices).toEqual([
      { Variable: "$.blocks.database.status", StringEquals: "done", Next: "Promote database: done" },
      { Variable: "$.blocks.database.status", StringEquals: "ask", Next: "Await data-loss approval" },
    ]);
    expect(findState(definition.States, "Await data-loss approval")).toMatchObject({
      Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
      Parameters: {
        FunctionName: arns.requestApproval,
        Payload: {
          question: "data-loss",
          "promotion.$": "$.blocks.database",
          "taskToken.$": "$$.Task.Token",
        },
      },
      TimeoutSecondsPath: "$.blocks.database.question.timeoutSeconds",
      ResultPath: "$.blocks.database.answer",
      Next: "Promote database",
    });
  });

  it("ends the branch on a rejection or no answer, so the run escalates before anything is promoted", () => {
    expect(findState(definition.States, "Await data-loss approval")?.Catch).toEqual([
      { ErrorEquals: ["ApprovalRejected"], ResultPath: "$.dataLossAnswer", Next: "Data loss rejected" },
      { ErrorEquals: ["States.ALL"], ResultPath: "$.dataLossAnswer", Next: "Data loss not approved" },
    ]);
    expect(findState(definition.States, "Data loss rejected")).toMatchObject({
      Type: "Fail",
      Error: "DataLossRejected",
    });
    expect(findState(definition.States, "Data loss not approved")).toMatchObject({
      Type: "Fail",
      Error: "DataLossNotApproved",
    });
    expect(definition.States.Recover?.Catch).toEqual([
      { ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "Escalate" },
    ]);
    expect(JSON.stringify(failback)).not.toContain("data-loss");
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
