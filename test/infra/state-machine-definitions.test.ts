import aslValidator from "asl-validator";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../core/plan/schema.js";
import { taskTargets } from "../../infra/task-targets.js";
import { failbackDefinition } from "../../stepfunctions/failback-definition.js";
import { failoverDefinition } from "../../stepfunctions/failover-definition.js";
import {
  localTaskFunctionArns,
  type TaskFunctionArns,
  taskFunctionKeys,
} from "../../stepfunctions/task-functions.js";
import { testPlan } from "../support/plan-fixtures.js";
import { deployedPlans, SINGAPORE, TOKYO } from "./support/deployed-plans.js";
import {
  ACCOUNT,
  FUNCTION,
  type MockDeploy,
  mockDeploy,
  type Registered,
  STAGE,
  STATE_MACHINE,
} from "./support/mock-deploy.js";

let deploy: MockDeploy;
let plans: Plan[];

beforeAll(async () => {
  const { shop, payments } = await deployedPlans();
  plans = [shop, payments];
  deploy = await mockDeploy(plans);
});

const definitions = { failover: failoverDefinition, failback: failbackDefinition };
const kindOf = (machine: Registered) =>
  String(machine.inputs.name).endsWith("-failover") ? "failover" : "failback";

/** The plan a machine was generated from, by its name: kirikae-<stage>-<plan>-<kind>. */
function planOf(machine: Registered, among: readonly Plan[] = plans): Plan {
  const plan = among.find(
    (candidate) => machine.inputs.name === `kirikae-${STAGE}-${candidate.name}-${kindOf(machine)}`,
  );
  if (!plan) throw new Error(`no deployed plan has the state machine ${String(machine.inputs.name)}`);
  return plan;
}

/** The ARNs of the task functions infra deployed in a region, by task key. */
function deployedArns(region: string, from: MockDeploy = deploy): TaskFunctionArns {
  // A region deploys the workflow's functions and those of its plans' kinds of block, not every key.
  const deployed = taskFunctionKeys.filter((key) =>
    from.ofType(FUNCTION).some((fn) => fn.region === region && fn.inputs.name === `kirikae-${STAGE}-${key}`),
  );
  return Object.fromEntries(
    deployed.map((key) => [
      key,
      from.one(FUNCTION, (fn) => fn.region === region && fn.inputs.name === `kirikae-${STAGE}-${key}`).arn,
    ]),
  );
}

describe("the deployed definitions", () => {
  it("are valid Amazon States Language, ARNs and paths included", () => {
    for (const machine of deploy.ofType(STATE_MACHINE)) {
      const result = aslValidator(JSON.parse(String(machine.inputs.definition)), {
        checkArn: true,
        checkPaths: true,
      });

      expect(result.errorsText("\n"), `${machine.region} ${machine.inputs.name}`).toBe("");
      expect(result.isValid).toBe(true);
    }
  });

  it("are, character for character, the definitions the local runner executes, given the deployed ARNs and the plan", () => {
    for (const machine of deploy.ofType(STATE_MACHINE)) {
      const kind = kindOf(machine);

      expect(machine.inputs.definition).toBe(
        JSON.stringify(definitions[kind](deployedArns(machine.region), planOf(machine))),
      );
    }
  });

  it("differ from the sandbox's only in the functions' ARNs", () => {
    for (const machine of deploy.ofType(STATE_MACHINE)) {
      const local = localTaskFunctionArns(machine.region, ACCOUNT);
      let text = String(machine.inputs.definition);
      for (const [key, arn] of Object.entries(deployedArns(machine.region))) {
        text = text.replaceAll(JSON.stringify(arn), JSON.stringify(local[key as keyof TaskFunctionArns]));
      }

      expect(JSON.parse(text)).toEqual(definitions[kindOf(machine)](local, planOf(machine)));
    }
  });

  it("use every task function between them, so a key added to the list is deployed and wired", () => {
    for (const region of new Set(deploy.ofType(STATE_MACHINE).map((machine) => machine.region))) {
      const used = new Set(
        deploy
          .ofType(STATE_MACHINE)
          .filter((machine) => machine.region === region)
          .flatMap((machine) =>
            taskTargets(JSON.parse(String(machine.inputs.definition))).map((target) => target.functionArn),
          ),
      );

      expect([...used].sort()).toEqual(Object.values(deployedArns(region)).sort());
    }
  });
});

describe("two plans served by the same regions", () => {
  const shop = testPlan();
  // Another application in the same regions, with a step of its own after the traffic switch.
  const orders = testPlan((input) => {
    input.name = "orders";
    input.triggers.alarms = [{ name: "orders-tokyo-health", region: "us-east-1" }];
    input.customSteps = [
      {
        name: "warm-caches",
        functionArn: "arn:aws:lambda:ap-southeast-1:111122223333:function:orders-warm-caches",
        runAfter: "traffic-switch",
      },
    ];
  });
  let both: MockDeploy;

  beforeAll(async () => {
    both = await mockDeploy([shop, orders]);
  });

  it("get a failover and a failback machine each, in both regions, under one role per region", () => {
    for (const region of [TOKYO, SINGAPORE]) {
      const machines = both.ofType(STATE_MACHINE).filter((machine) => machine.region === region);

      expect(machines.map((machine) => machine.inputs.name).sort(), region).toEqual([
        `kirikae-${STAGE}-orders-failback`,
        `kirikae-${STAGE}-orders-failover`,
        `kirikae-${STAGE}-shop-failback`,
        `kirikae-${STAGE}-shop-failover`,
      ]);
      expect(new Set(machines.map((machine) => machine.inputs.roleArn)).size, region).toBe(1);
    }
  });

  it("each run the definition generated from their own plan, which differs where the plans differ", () => {
    const machine = (region: string, name: string) =>
      both.one(STATE_MACHINE, (candidate) => candidate.region === region && candidate.inputs.name === name);
    for (const candidate of both.ofType(STATE_MACHINE)) {
      const plan = planOf(candidate, [shop, orders]);
      expect(candidate.inputs.definition, String(candidate.inputs.name)).toBe(
        JSON.stringify(definitions[kindOf(candidate)](deployedArns(candidate.region, both), plan)),
      );
    }

    const shopFailover = machine(SINGAPORE, `kirikae-${STAGE}-shop-failover`);
    const ordersFailover = machine(SINGAPORE, `kirikae-${STAGE}-orders-failover`);
    expect(ordersFailover.inputs.definition).not.toBe(shopFailover.inputs.definition);
  });
});

describe("finding the function of each Task", () => {
  const arn = (name: string) => `arn:aws:lambda:ap-southeast-1:111122223333:function:${name}`;

  it("reads a plain Lambda Task's Resource and an integration's Parameters.FunctionName, in branches and iterators", () => {
    const definition = {
      States: {
        Plain: { Type: "Task", Resource: arn("plain") },
        Invoke: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Parameters: { FunctionName: arn("invoke") },
        },
        Approval: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
          Parameters: { FunctionName: arn("approval"), Payload: { "taskToken.$": "$$.Task.Token" } },
        },
        Both: {
          Type: "Parallel",
          Branches: [{ States: { Left: { Type: "Task", Resource: arn("left") } } }],
        },
        Each: { Type: "Map", ItemProcessor: { States: { Item: { Type: "Task", Resource: arn("item") } } } },
      },
    };

    expect(taskTargets(definition)).toEqual([
      { state: "Plain", functionArn: arn("plain"), integration: "lambda-arn" },
      { state: "Invoke", functionArn: arn("invoke"), integration: "lambda:invoke" },
      { state: "Approval", functionArn: arn("approval"), integration: "lambda:invoke.waitForTaskToken" },
      { state: "Left", functionArn: arn("left"), integration: "lambda-arn" },
      { state: "Item", functionArn: arn("item"), integration: "lambda-arn" },
    ]);
  });

  it("reports a function chosen at run time, or a non-Lambda Task, as naming no function", () => {
    const definition = {
      States: {
        Dynamic: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Parameters: { "FunctionName.$": "$.fn" },
        },
        Sns: {
          Type: "Task",
          Resource: "arn:aws:states:::sns:publish",
          Parameters: { TopicArn: "arn:aws:sns:x" },
        },
      },
    };

    expect(taskTargets(definition).map((target) => target.functionArn)).toEqual([undefined, undefined]);
  });
});
