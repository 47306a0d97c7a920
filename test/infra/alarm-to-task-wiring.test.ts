import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../core/plan/schema.js";
import { loadConfig, stateMachineArns } from "../../functions/runtime/config.js";
import type { PolicyDocument } from "../../infra/grants.js";
import { taskTargets } from "../../infra/task-targets.js";
import { recoveryRegion } from "../../infra/topology.js";
import { deployedPlans, SINGAPORE, TOKYO, VIRGINIA } from "./support/deployed-plans.js";
import { alarmEvent, matchesPattern } from "./support/event-pattern.js";
import {
  EVENT_RULE,
  EVENT_TARGET,
  FUNCTION,
  type MockDeploy,
  mockDeploy,
  PERMISSION,
  type Registered,
  ROLE,
  ROLE_POLICY,
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

interface Hop {
  region: string;
  rule: string;
  target: string;
  /** The role EventBridge assumes to deliver to the target, for cross-region buses. */
  roleArn?: string;
}

/**
 * Follows an event through the deployed rules as EventBridge would: every matching rule on the region's
 * default bus, each of its targets, across buses to other regions, until it reaches functions.
 */
function deliver(
  region: string,
  event: unknown,
  path: Hop[] = [],
): Array<{ function: Registered; path: Hop[] }> {
  const rules = deploy
    .ofType(EVENT_RULE)
    .filter((rule) => rule.region === region && rule.inputs.eventPattern !== undefined)
    .filter((rule) => matchesPattern(JSON.parse(String(rule.inputs.eventPattern)), event));
  return rules.flatMap((rule) =>
    deploy
      .ofType(EVENT_TARGET)
      .filter((target) => target.region === region && target.inputs.rule === rule.inputs.name)
      .flatMap((target) => {
        const arn = String(target.inputs.arn);
        const hop: Hop = {
          region,
          rule: String(rule.inputs.name),
          target: arn,
          ...(target.inputs.roleArn ? { roleArn: String(target.inputs.roleArn) } : {}),
        };
        const bus = /^arn:aws:events:([a-z0-9-]+):\d{12}:event-bus\/default$/.exec(arn);
        if (bus?.[1]) return deliver(bus[1], event, [...path, hop]);
        const fn = deploy.ofType(FUNCTION).find((candidate) => candidate.arn === arn);
        if (!fn) throw new Error(`rule ${hop.rule} in ${region} targets ${arn}, which infra does not create`);
        return [{ function: fn, path: [...path, hop] }];
      }),
  );
}

function policyOf(roleName: string): PolicyDocument {
  const policy = deploy.one(ROLE_POLICY, (candidate) => candidate.inputs.role === roleName);
  return JSON.parse(String(policy.inputs.policy)) as PolicyDocument;
}

function roleNameOf(arn: string): string {
  return deploy.one(ROLE, (role) => role.arn === arn).inputs.name as string;
}

function allowedResources(document: PolicyDocument, action: string): string[] {
  return document.Statement.filter(
    (statement) => statement.Effect === "Allow" && statement.Action.includes(action),
  ).flatMap((statement) => statement.Resource);
}

describe("alarm -> rule -> detector", () => {
  it("delivers every plan alarm going into ALARM to exactly one function: the detector of the plan's recovery region", () => {
    for (const plan of plans) {
      for (const alarm of plan.triggers.alarms) {
        const reached = deliver(alarm.region, alarmEvent(alarm.region, alarm.name));

        expect(
          reached.map((delivery) => [delivery.function.region, delivery.function.inputs.name]),
          alarm.name,
        ).toEqual([[recoveryRegion(plan), `kirikae-${STAGE}-detectAlarm`]]);
      }
    }
  });

  it("forwards alarms on Route 53 health checks from us-east-1, and the active region's own alarms, to the recovery region", () => {
    const fromVirginia = deliver(VIRGINIA, alarmEvent(VIRGINIA, "shop-tokyo-health-check"))[0]?.path ?? [];
    const fromTokyo = deliver(TOKYO, alarmEvent(TOKYO, "shop-tokyo-5xx-rate"))[0]?.path ?? [];

    for (const [path, from] of [
      [fromVirginia, VIRGINIA],
      [fromTokyo, TOKYO],
    ] as const) {
      expect(path.map((hop) => [hop.region, hop.rule, hop.target])).toEqual([
        [from, `kirikae-${STAGE}-shop-forward`, `arn:aws:events:${SINGAPORE}:111122223333:event-bus/default`],
        [
          SINGAPORE,
          `kirikae-${STAGE}-shop-alarms`,
          `arn:aws:lambda:${SINGAPORE}:111122223333:function:kirikae-${STAGE}-detectAlarm`,
        ],
      ]);
      const forwarder = policyOf(roleNameOf(String(path[0]?.roleArn)));
      expect(allowedResources(forwarder, "events:PutEvents")).toContain(path[0]?.target);
    }
  });

  it("delivers an alarm that lives in the recovery region straight to its detector, forwarding nothing", () => {
    const reached = deliver(SINGAPORE, alarmEvent(SINGAPORE, "shop-tokyo-canary-from-singapore"));

    expect(reached.map((delivery) => delivery.path.map((hop) => [hop.region, hop.rule]))).toEqual([
      [[SINGAPORE, `kirikae-${STAGE}-shop-alarms`]],
    ]);
  });

  it("lets EventBridge invoke the detector only for the rules that route alarms to it", () => {
    for (const plan of plans) {
      const region = recoveryRegion(plan);
      const rule = deploy.one(
        EVENT_RULE,
        (candidate) =>
          candidate.region === region && candidate.inputs.name === `kirikae-${STAGE}-${plan.name}-alarms`,
      );

      const permissions = deploy
        .ofType(PERMISSION)
        .filter(
          (permission) =>
            permission.region === region && permission.inputs.function === `kirikae-${STAGE}-detectAlarm`,
        );

      expect(
        permissions.map((permission) => [permission.inputs.principal, permission.inputs.sourceArn]),
      ).toEqual([["events.amazonaws.com", rule.arn]]);
    }
  });

  it("routes nothing for an alarm returning to OK, or for an alarm no plan names", () => {
    expect(deliver(VIRGINIA, alarmEvent(VIRGINIA, "shop-tokyo-health-check", "OK"))).toEqual([]);
    expect(deliver(SINGAPORE, alarmEvent(SINGAPORE, "someone-elses-alarm"))).toEqual([]);
    // The right name from the wrong region is another alarm, even on a bus whose rule takes alarms from
    // several regions, and in a region that forwards another of the plan's alarms.
    expect(deliver(SINGAPORE, alarmEvent(SINGAPORE, "shop-tokyo-health-check"))).toEqual([]);
    expect(deliver(SINGAPORE, alarmEvent(SINGAPORE, "shop-tokyo-5xx-rate"))).toEqual([]);
    expect(deliver(TOKYO, alarmEvent(TOKYO, "shop-tokyo-canary-from-singapore"))).toEqual([]);
  });
});

describe("detector -> state machine -> tasks", () => {
  it("has the detector that gets a plan's alarms start that plan's own failover state machine, and only it", () => {
    for (const plan of plans) {
      const region = recoveryRegion(plan);
      const detector = deploy.one(
        FUNCTION,
        (fn) => fn.region === region && fn.inputs.name === `kirikae-${STAGE}-detectAlarm`,
      );
      const failover = deploy.one(
        STATE_MACHINE,
        (machine) =>
          machine.region === region && machine.inputs.name === `kirikae-${STAGE}-${plan.name}-failover`,
      );

      const configured = (detector.inputs.environment as { variables: Record<string, string> }).variables;
      const config = loadConfig({ ...configured, AWS_REGION: region, AWS_LAMBDA_FUNCTION_NAME: "detector" });
      expect(stateMachineArns(config)("failover", plan.name)).toBe(failover.arn);
      expect(
        allowedResources(policyOf(roleNameOf(String(detector.inputs.role))), "states:StartExecution"),
      ).toEqual([failover.arn]);
    }
  });

  it("runs every Task of every state machine on a function infra creates in the same region, and may invoke exactly those", () => {
    for (const region of new Set(deploy.ofType(STATE_MACHINE).map((machine) => machine.region))) {
      const machines = deploy.ofType(STATE_MACHINE).filter((machine) => machine.region === region);
      const regionFunctions = deploy.ofType(FUNCTION).filter((fn) => fn.region === region);
      const invoked = new Set<string>();
      for (const machine of machines) {
        for (const target of taskTargets(JSON.parse(String(machine.inputs.definition)))) {
          expect(target.functionArn, `${region} ${machine.inputs.name} ${target.state}`).toBeDefined();
          expect(regionFunctions.map((fn) => fn.arn)).toContain(target.functionArn);
          invoked.add(String(target.functionArn));
        }
      }
      // Every plan's machines of a region act as one role, allowed to invoke what any runs and nothing else.
      const roles = new Set(machines.map((machine) => String(machine.inputs.roleArn)));
      expect(roles.size, region).toBe(1);
      const [role] = roles;
      const invocable = allowedResources(policyOf(roleNameOf(String(role))), "lambda:InvokeFunction");
      expect([...invocable].sort()).toEqual([...invoked].sort());
    }
  });
});
