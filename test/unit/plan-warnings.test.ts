import { describe, expect, it } from "vitest";
import { checkPlanWarnings } from "../../core/plan/plan-rules.js";
import type { LegacyPlanInput as PlanInput } from "../../core/plan/schema.js";
import { validatePlan } from "../../core/plan/validate-plan.js";
import { gatedTestPlan, testPlan, testPlanInput } from "../support/plan-fixtures.js";

type Alarms = PlanInput["triggers"]["alarms"];

const withAlarms = (alarms: Alarms, activeRegion = "ap-northeast-1") =>
  testPlan((input) => {
    input.triggers.alarms = alarms;
    if (activeRegion !== input.activeRegion) {
      input.regions = [activeRegion, "us-west-2"];
      input.activeRegion = activeRegion;
      input.database.members = {
        [activeRegion]: `arn:aws:rds:${activeRegion}:111122223333:cluster:shop-a`,
        "us-west-2": "arn:aws:rds:us-west-2:111122223333:cluster:shop-b",
      };
      const [record] = input.dns.records;
      if (record) {
        record.targets = {
          [activeRegion]: {
            value: "a.example.com",
            setIdentifier: "a",
            healthCheckId: "11111111-1111-4111-8111-111111111111",
          },
          "us-west-2": {
            value: "b.example.com",
            setIdentifier: "b",
            healthCheckId: "22222222-2222-4222-8222-222222222222",
          },
        };
      }
      input.compute.clusters = [
        {
          region: activeRegion,
          name: "shop-a",
          nodegroups: [{ name: "web", activeSize: 2, standbySize: 1, maxSize: 4 }],
        },
        {
          region: "us-west-2",
          name: "shop-b",
          nodegroups: [{ name: "web", activeSize: 2, standbySize: 1, maxSize: 4 }],
        },
      ];
    }
  });

/** The warnings about the trigger alarms alone (the test plan edits health-checked records too). */
const alarmWarnings = (plan: ReturnType<typeof testPlan>) =>
  checkPlanWarnings(plan).filter((warning) => warning.path === "triggers.alarms");

describe("plan warnings: detection that an outage could silence", () => {
  it("warns when every trigger alarm lives in the active region or in us-east-1, saying what to add", () => {
    const plan = withAlarms([
      { name: "shop-tokyo-health", region: "us-east-1" },
      { name: "shop-tokyo-5xx", region: "ap-northeast-1" },
    ]);

    expect(alarmWarnings(plan)).toEqual([
      {
        path: "triggers.alarms",
        message:
          "every trigger alarm lives in ap-northeast-1 or us-east-1: an outage of either may silence every trigger, and no failover starts",
        hint: expect.stringContaining(
          "add a canary alarm evaluated from the standby region ap-southeast-1: a CloudWatch Synthetics canary",
        ),
        severity: "warning",
      },
    ]);
  });

  it("warns for a plan active in us-east-1 whose alarms all live there", () => {
    const plan = withAlarms([{ name: "orders-health", region: "us-east-1" }], "us-east-1");

    expect(alarmWarnings(plan).map((warning) => warning.message)).toEqual([
      "every trigger alarm lives in us-east-1: an outage of that region may silence every trigger, and no failover starts",
    ]);
  });

  it("is satisfied by one alarm evaluated from the standby region", () => {
    const plan = withAlarms([
      { name: "shop-tokyo-health", region: "us-east-1" },
      { name: "shop-tokyo-canary", region: "ap-southeast-1" },
    ]);

    expect(alarmWarnings(plan)).toEqual([]);
  });

  it("leaves a warned plan valid", () => {
    const result = validatePlan(testPlanInput());

    expect(result.ok).toBe(true);
    expect(result.ok && checkPlanWarnings(result.plan).map((warning) => warning.path)).toEqual([
      "triggers.alarms",
      "dns.records[0].targets.ap-northeast-1.healthCheckId",
    ]);
  });
});

describe("plan warnings: records that steer themselves to a read-only database", () => {
  it("warns when records kirikae edits carry a health check on the active target, naming gates as the way out", () => {
    const [warning] = checkPlanWarnings(testPlan()).filter((issue) => issue.path.startsWith("dns."));

    expect(warning).toMatchObject({
      path: "dns.records[0].targets.ap-northeast-1.healthCheckId",
      message: expect.stringContaining(
        "Route 53 sends users to ap-southeast-1 before its database is promoted",
      ),
      hint: expect.stringContaining("move traffic by gates"),
      severity: "warning",
    });
  });

  it("says nothing when gates move traffic, or when the active target has no health check", () => {
    const gated = gatedTestPlan();
    const unchecked = testPlan((input) => {
      for (const record of input.dns.records) {
        input.dns.routing = "weighted";
        const active = record.targets["ap-northeast-1"];
        if (active) delete active.healthCheckId;
      }
    });

    expect(checkPlanWarnings(gated).filter((issue) => issue.path.startsWith("dns."))).toEqual([]);
    expect(checkPlanWarnings(unchecked).filter((issue) => issue.path.startsWith("dns."))).toEqual([]);
  });
});
