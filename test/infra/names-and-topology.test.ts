import { describe, expect, it } from "vitest";
import { controlPlane } from "../../infra/control-plane.js";
import {
  assertStageName,
  assertStateMachineNames,
  detectRuleName,
  functionName,
  functionRoleName,
  ResourceNameError,
  STATE_MACHINE_NAME_MAX_LENGTH,
  stageNames,
  stateMachineArn,
  stateMachineArnNamed,
  stateMachineLogGroupName,
} from "../../infra/names.js";
import { alarmEventPattern, recoveryRegion, topologyOf } from "../../infra/topology.js";
import { testPlan } from "../support/plan-fixtures.js";
import { deployedPlans, IRELAND, OREGON, SINGAPORE, TOKYO, VIRGINIA } from "./support/deployed-plans.js";
import { alarmEvent, matchesPattern } from "./support/event-pattern.js";
import { fakeBundler } from "./support/mock-deploy.js";

describe("names", () => {
  it("gives the CLI the same names infra deploys, from the stage alone", () => {
    expect(stageNames("prod")).toMatchObject({
      stateTable: "kirikae-prod-state",
      auditTable: "kirikae-prod-audit",
      notificationsTopic: "kirikae-prod-notifications",
    });
    expect(stageNames("prod").functionName("detectAlarm")).toBe(functionName("prod", "detectAlarm"));
  });

  it("names each plan's own state machines with the kind last, so failback is told from failover by suffix", () => {
    expect(stageNames("prod").stateMachine("failover", "shop")).toBe("kirikae-prod-shop-failover");
    expect(stageNames("prod").stateMachine("failback", "shop")).toBe("kirikae-prod-shop-failback");
    expect(stateMachineArn(SINGAPORE, "111122223333", "prod", "failback", "shop")).toBe(
      "arn:aws:states:ap-southeast-1:111122223333:stateMachine:kirikae-prod-shop-failback",
    );
    expect(stateMachineArn(SINGAPORE, "111122223333", "prod", "failback", "shop")).toBe(
      stateMachineArnNamed(SINGAPORE, "111122223333", "kirikae-prod-shop-failback"),
    );
    expect(stateMachineLogGroupName("prod", "failover", "shop")).toBe(
      "/aws/vendedlogs/states/kirikae-prod-shop-failover",
    );
  });

  it("refuses a stage and plan whose state machine names would pass Step Functions' 80 characters", () => {
    const longestStage = "s".repeat(24);
    const longestPlan = `p${"-".repeat(39)}`;
    // The fixed part is 18 characters: "kirikae-", "-" and "-failover" or "-failback".
    const fitting = { stage: "production-eu", plan: "p".repeat(62 - "production-eu".length) };

    expect(() => assertStateMachineNames(longestStage, longestPlan)).toThrow(ResourceNameError);
    expect(() => assertStateMachineNames(longestStage, longestPlan)).toThrow(
      /82 characters, over Step Functions' limit of 80; shorten the stage or the plan's name: together they may have at most 62 characters/,
    );
    expect(() => assertStateMachineNames(fitting.stage, fitting.plan)).not.toThrow();
    expect(stageNames(fitting.stage).stateMachine("failback", fitting.plan)).toHaveLength(
      STATE_MACHINE_NAME_MAX_LENGTH,
    );
  });

  it("stops a deploy whose plan's state machines cannot be named before it creates any resource", () => {
    const longPlan = testPlan((input) => {
      input.name = `shop-${"x".repeat(35)}`;
    });

    // No Pulumi mocks here: a resource created before the check would fail otherwise, not with this error.
    expect(() =>
      controlPlane({
        stage: "s".repeat(24),
        plans: [longPlan],
        homeRegion: TOKYO,
        bundler: fakeBundler([]),
      }),
    ).toThrow(ResourceNameError);
  });

  it("keeps names within AWS's 64 characters by a stable hash, not by cutting them into collisions", () => {
    const plan = "a-plan-name-that-uses-all-forty-chars-x1";
    const other = "a-plan-name-that-uses-all-forty-chars-x2";

    const name = detectRuleName("production", plan);

    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toBe(detectRuleName("production", plan));
    expect(name).not.toBe(detectRuleName("production", other));
    expect(detectRuleName("prod", "shop")).toBe("kirikae-prod-shop-alarms");
    expect(
      functionRoleName("production-eu", "scaleDownNodegroups", "ap-southeast-1").length,
    ).toBeLessThanOrEqual(64);
  });

  it("refuses a stage name that cannot name resources", () => {
    expect(() => assertStageName("pr-123")).not.toThrow();
    expect(() => assertStageName("my stage")).toThrow(/1-24 letters, digits or hyphens/);
    expect(() => assertStageName("a".repeat(25))).toThrow(/stage/);
  });
});

describe("where the control plane runs", () => {
  it("runs in every plan region, routes each plan's alarms to its recovery region, and only forwards from us-east-1", async () => {
    const { shop, payments } = await deployedPlans();

    const topology = topologyOf([shop, payments]);

    expect(topology.regions).toEqual([TOKYO, SINGAPORE, OREGON, IRELAND]);
    expect(topology.forwardingOnlyRegions).toEqual([VIRGINIA]);
    expect(topology.plansIn(SINGAPORE).map((plan) => plan.name)).toEqual(["shop"]);
    expect(
      topology.routes.map((route) => [
        route.plan,
        route.detectorRegion,
        Object.fromEntries(route.alarmsByRegion),
      ]),
    ).toEqual([
      [
        "shop",
        SINGAPORE,
        {
          [VIRGINIA]: ["shop-tokyo-health-check"],
          [TOKYO]: ["shop-tokyo-5xx-rate"],
          // The canary evaluated from Singapore itself: its detector's own region, nothing to forward.
          [SINGAPORE]: ["shop-tokyo-canary-from-singapore"],
        },
      ],
      ["payments-api", IRELAND, { [VIRGINIA]: ["payments-oregon-health-check"] }],
    ]);
    expect(recoveryRegion(shop)).toBe(SINGAPORE);
  });

  it("refuses two plans with one name, and a stage with no plan", async () => {
    const { shop } = await deployedPlans();

    expect(() => topologyOf([shop, shop])).toThrow(/two deployed plans are named "shop"/);
    expect(() => topologyOf([])).toThrow(/no plans to deploy/);
  });

  it("matches only the plan's alarms, from their regions, going into ALARM", () => {
    expect(alarmEventPattern(new Map([[VIRGINIA, ["a", "b"]]]))).toEqual({
      source: ["aws.cloudwatch"],
      "detail-type": ["CloudWatch Alarm State Change"],
      region: [VIRGINIA],
      detail: { alarmName: ["a", "b"], state: { value: ["ALARM"] } },
    });
  });

  it("pairs each alarm name with its own region when the alarms live in several: the same name elsewhere is another alarm", () => {
    const pattern = alarmEventPattern(
      new Map([
        [VIRGINIA, ["a"]],
        [OREGON, ["b", "c"]],
      ]),
    );
    const matches = (region: string, name: string) => matchesPattern(pattern, alarmEvent(region, name));

    expect([matches(VIRGINIA, "a"), matches(OREGON, "b"), matches(OREGON, "c")]).toEqual([true, true, true]);
    expect([matches(OREGON, "a"), matches(VIRGINIA, "b"), matches(IRELAND, "a")]).toEqual([
      false,
      false,
      false,
    ]);
    expect(matchesPattern(pattern, alarmEvent(VIRGINIA, "a", "OK"))).toBe(false);
  });
});
