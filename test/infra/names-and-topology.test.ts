import { describe, expect, it } from "vitest";
import {
  assertStageName,
  detectRuleName,
  functionName,
  functionRoleName,
  stageNames,
  stateMachineArn,
} from "../../infra/names.js";
import { alarmEventPattern, recoveryRegion, topologyOf } from "../../infra/topology.js";
import { deployedPlans, IRELAND, OREGON, SINGAPORE, TOKYO, VIRGINIA } from "./support/deployed-plans.js";
import { alarmEvent, matchesPattern } from "./support/event-pattern.js";

describe("names", () => {
  it("gives the CLI the same names infra deploys, from the stage alone", () => {
    expect(stageNames("prod")).toMatchObject({
      stateTable: "kirikae-prod-state",
      auditTable: "kirikae-prod-audit",
      notificationsTopic: "kirikae-prod-notifications",
      failoverStateMachine: "kirikae-prod-failover",
      failbackStateMachine: "kirikae-prod-failback",
    });
    expect(stageNames("prod").functionName("detectAlarm")).toBe(functionName("prod", "detectAlarm"));
    expect(stateMachineArn(SINGAPORE, "111122223333", "prod", "failback")).toBe(
      stateMachineArn(SINGAPORE, "111122223333", "kirikae-prod-failback"),
    );
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
