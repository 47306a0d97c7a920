import { describe, expect, it } from "vitest";
import { definePlan } from "../../core/plan/define-plan.js";
import { PlanError } from "../../core/plan/plan-errors.js";
import { validatePlan } from "../../core/plan/validate-plan.js";
import { testPlanInput } from "../support/plan-fixtures.js";

function issuesOf(change: (input: ReturnType<typeof testPlanInput>) => void) {
  const input = testPlanInput();
  change(input);
  const result = validatePlan(input);
  return result.ok ? [] : result.issues;
}

describe("plan validation", () => {
  it("accepts a complete plan and fills in the defaults", () => {
    const result = validatePlan(testPlanInput());

    expect(result.ok).toBe(true);
    expect(result.ok && result.plan.timeouts).toEqual({ stepSeconds: 600, rollbackAfterMinutes: 30 });
    expect(result.ok && result.plan.customSteps).toEqual([]);
  });

  it("reports an active region that is not one of the plan's regions", () => {
    expect(issuesOf((input) => (input.activeRegion = "eu-west-1"))).toEqual([
      expect.objectContaining({
        path: "activeRegion",
        message: expect.stringContaining("eu-west-1 is not one of"),
      }),
    ]);
  });

  it("reports a region without a database member and a member ARN from another region", () => {
    const issues = issuesOf((input) => {
      input.database.members = { "ap-northeast-1": "arn:aws:rds:us-east-1:111122223333:cluster:shop-tokyo" };
    });

    expect(issues.map((issue) => issue.path)).toEqual([
      "database.members.ap-northeast-1",
      "database.members.ap-southeast-1",
    ]);
  });

  it("reports standby > active and active > max per nodegroup, with hints", () => {
    const issues = issuesOf((input) => {
      const nodegroups = input.compute.clusters[1]?.nodegroups ?? [];
      nodegroups[0] = { name: "web", activeSize: 12, standbySize: 2, maxSize: 10 };
      nodegroups[1] = { name: "worker", activeSize: 1, standbySize: 3, maxSize: 6 };
    });

    expect(issues).toEqual([
      expect.objectContaining({
        path: "compute.clusters[1].nodegroups[0].activeSize",
        hint: expect.stringContaining("raise maxSize"),
      }),
      expect.objectContaining({ path: "compute.clusters[1].nodegroups[1].standbySize" }),
    ]);
  });

  it("reports duplicate names and a failover target without a health check", () => {
    const issues = issuesOf((input) => {
      const cluster = input.compute.clusters[0];
      if (cluster) cluster.nodegroups.push({ name: "web", activeSize: 1, standbySize: 1, maxSize: 1 });
      const target = input.dns.records[0]?.targets["ap-southeast-1"];
      if (target) delete target.healthCheckId;
    });

    expect(issues.map((issue) => issue.path)).toEqual([
      "dns.records[0].targets.ap-southeast-1.healthCheckId",
      "compute.clusters[0].nodegroups[2].name",
    ]);
  });

  it("lists schema and cross-field problems together, so one run shows everything", () => {
    const input = { ...testPlanInput(), name: "Not A Name", activeRegion: "eu-west-1", surprise: true };

    const result = validatePlan(input);

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues.map((issue) => issue.path)).toEqual([
      "name",
      "(plan)",
      "activeRegion",
    ]);
  });

  it("makes definePlan throw a PlanError that carries every issue", () => {
    const input = testPlanInput();
    input.activeRegion = "eu-west-1";

    expect(() => definePlan(input)).toThrow(PlanError);
    try {
      definePlan(input);
    } catch (error) {
      expect((error as PlanError).issues).toHaveLength(1);
    }
  });
});
