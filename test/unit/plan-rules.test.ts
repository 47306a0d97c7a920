import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { definePlan } from "../../core/plan/define-plan.js";
import { PlanError } from "../../core/plan/plan-errors.js";
import type { PlanIssue } from "../../core/plan/plan-rules.js";
import type { LegacyPlanInput as PlanInput } from "../../core/plan/schema.js";
import { validatePlan } from "../../core/plan/validate-plan.js";
import { testPlanInput } from "../support/plan-fixtures.js";

function issuesAfter(change: (input: PlanInput) => void): PlanIssue[] {
  const input = testPlanInput();
  change(input);
  const result = validatePlan(input);
  return result.ok ? [] : result.issues;
}

function paths(issues: PlanIssue[]): string[] {
  return issues.map((issue) => issue.path);
}

describe("plan cross-field rules", () => {
  describe("regions", () => {
    it("reports an active region that is not one of the plan's regions", () => {
      const issues = issuesAfter((input) => {
        input.activeRegion = "eu-west-1";
      });

      expect(issues).toEqual([
        {
          path: "activeRegion",
          message: "eu-west-1 is not one of the plan's regions (ap-northeast-1, ap-southeast-1)",
          hint: expect.stringContaining("serves traffic today"),
        },
      ]);
    });

    it("reports a standby region that repeats the active one", () => {
      const issues = issuesAfter((input) => {
        input.regions = ["ap-northeast-1", "ap-northeast-1"];
      });

      expect(paths(issues)).toContain("regions[1]");
    });
  });

  describe("database", () => {
    it("reports a region without a member cluster, since it could not be promoted", () => {
      const issues = issuesAfter((input) => {
        delete input.database.members["ap-southeast-1"];
      });

      expect(issues).toEqual([
        {
          path: "database.members.ap-southeast-1",
          message: "no member cluster for region ap-southeast-1",
          hint: expect.stringContaining("promoted"),
        },
      ]);
    });

    it("reports a member cluster listed under a region other than its own", () => {
      const issues = issuesAfter((input) => {
        input.database.members["ap-northeast-1"] = "arn:aws:rds:us-east-1:111122223333:cluster:shop-tokyo";
      });

      expect(issues).toEqual([
        expect.objectContaining({
          path: "database.members.ap-northeast-1",
          message: "the cluster ARN is in us-east-1, not ap-northeast-1",
        }),
      ]);
    });

    it("reports a member cluster in a region the plan does not name", () => {
      const issues = issuesAfter((input) => {
        input.database.members["us-west-2"] = "arn:aws:rds:us-west-2:111122223333:cluster:shop-oregon";
      });

      expect(paths(issues)).toEqual(["database.members.us-west-2"]);
    });
  });

  describe("dns", () => {
    it("requires a health check on every target of a failover record", () => {
      const issues = issuesAfter((input) => {
        const target = input.dns.records[0]?.targets["ap-southeast-1"];
        if (target) delete target.healthCheckId;
      });

      expect(issues).toEqual([
        expect.objectContaining({
          path: "dns.records[0].targets.ap-southeast-1.healthCheckId",
          hint: expect.stringContaining("health check is unhealthy"),
        }),
      ]);
    });

    it("lets weighted records go without health checks", () => {
      const issues = issuesAfter((input) => {
        input.dns.routing = "weighted";
        for (const target of Object.values(input.dns.records[0]?.targets ?? {})) delete target.healthCheckId;
      });

      expect(issues).toEqual([]);
    });

    it("reports a record with no target in one of the regions", () => {
      const issues = issuesAfter((input) => {
        const record = input.dns.records[0];
        if (record) delete record.targets["ap-southeast-1"];
      });

      expect(paths(issues)).toEqual(["dns.records[0].targets.ap-southeast-1"]);
    });

    it("reports targets sharing a set identifier, which Route 53 would reject", () => {
      const issues = issuesAfter((input) => {
        const target = input.dns.records[0]?.targets["ap-southeast-1"];
        if (target) target.setIdentifier = "tokyo";
      });

      expect(paths(issues)).toEqual(["dns.records[0].targets[1].setIdentifier"]);
    });

    it("reports the same record listed twice", () => {
      const issues = issuesAfter((input) => {
        const record = input.dns.records[0];
        if (record) input.dns.records.push(structuredClone(record));
      });

      expect(paths(issues)).toEqual(["dns.records[1].name"]);
    });
  });

  describe("compute", () => {
    it("reports a region without an EKS cluster to scale up", () => {
      const issues = issuesAfter((input) => {
        input.compute.clusters = input.compute.clusters.filter(
          (cluster) => cluster.region !== "ap-southeast-1",
        );
      });

      expect(issues).toEqual([
        expect.objectContaining({
          path: "compute.clusters",
          message: "no EKS cluster for region ap-southeast-1",
        }),
      ]);
    });

    it("reports two clusters for one region", () => {
      const issues = issuesAfter((input) => {
        const cluster = input.compute.clusters[1];
        if (cluster) cluster.region = "ap-northeast-1";
      });

      expect(paths(issues)).toEqual(["compute.clusters[1].region", "compute.clusters"]);
    });

    it("reports a standby size larger than the active size", () => {
      const issues = issuesAfter((input) => {
        const nodegroups = input.compute.clusters[1]?.nodegroups ?? [];
        nodegroups[1] = { name: "worker", activeSize: 1, standbySize: 3, maxSize: 6 };
      });

      expect(issues).toEqual([
        {
          path: "compute.clusters[1].nodegroups[1].standbySize",
          message: "standby size 3 is larger than active size 1",
          hint: expect.any(String),
        },
      ]);
    });

    it("reports an active size above the nodegroup's maximum, which EKS would refuse mid-failover", () => {
      const issues = issuesAfter((input) => {
        const nodegroups = input.compute.clusters[1]?.nodegroups ?? [];
        nodegroups[0] = { name: "web", activeSize: 12, standbySize: 2, maxSize: 10 };
      });

      expect(issues).toEqual([
        {
          path: "compute.clusters[1].nodegroups[0].activeSize",
          message: "active size 12 is larger than max size 10",
          hint: expect.stringContaining("raise maxSize"),
        },
      ]);
    });

    it("accepts a standby as large as the active region (warm standby at full size)", () => {
      const issues = issuesAfter((input) => {
        const nodegroups = input.compute.clusters[1]?.nodegroups ?? [];
        nodegroups[0] = { name: "web", activeSize: 6, standbySize: 6, maxSize: 6 };
      });

      expect(issues).toEqual([]);
    });

    it("reports a nodegroup name used twice in one cluster, pointing at the first", () => {
      const issues = issuesAfter((input) => {
        input.compute.clusters[0]?.nodegroups.push({
          name: "web",
          activeSize: 1,
          standbySize: 1,
          maxSize: 1,
        });
      });

      expect(issues).toEqual([
        {
          path: "compute.clusters[0].nodegroups[2].name",
          message: 'duplicate name "web" (also at compute.clusters[0].nodegroups[0])',
          hint: "each name must be unique",
        },
      ]);
    });
  });

  it("reports two custom steps with the same name", () => {
    const step = {
      name: "warm-caches",
      functionArn: "arn:aws:lambda:ap-southeast-1:111122223333:function:shop-warm-caches",
      runAfter: "promotion" as const,
    };
    const issues = issuesAfter((input) => {
      input.customSteps = [step, { ...step, runAfter: "traffic-switch" }];
    });

    expect(paths(issues)).toEqual(["customSteps[1].name"]);
  });

  describe("with schema errors in the same document", () => {
    it("lists every schema and cross-field problem of the broken example in one run", async () => {
      const document: unknown = JSON.parse(await readFile("examples/broken.plan.json", "utf8"));

      const result = validatePlan(document);

      expect(result.ok).toBe(false);
      expect(result.ok ? [] : paths(result.issues)).toEqual([
        // schema
        "name",
        "database.members.ap-northeast-1",
        "triggers",
        // cross-field
        "activeRegion",
        "database.members.ap-southeast-1",
        "dns.records[0].targets.ap-southeast-1.healthCheckId",
        "compute.clusters",
        "compute.clusters[0].nodegroups[1].name",
        "compute.clusters[0].nodegroups[0].activeSize",
        "compute.clusters[0].nodegroups[1].standbySize",
      ]);
    });

    it("does not report a field twice when the schema already rejected it", () => {
      const issues = issuesAfter((input) => {
        input.database.members["ap-northeast-1"] = "not-an-arn";
      });

      expect(issues).toEqual([
        { path: "database.members.ap-northeast-1", message: "must be a DB cluster ARN" },
      ]);
    });
  });

  describe("definePlan", () => {
    it("returns the plan with its defaults filled in", () => {
      const plan = definePlan(testPlanInput());

      expect(plan.timeouts.rollbackAfterMinutes).toBe(30);
    });

    it("throws a PlanError carrying every issue, never a bare zod error", () => {
      const input = testPlanInput();
      input.activeRegion = "eu-west-1";
      delete input.database.members["ap-southeast-1"];

      const thrown = captureError(() => definePlan(input));

      expect(thrown).toBeInstanceOf(PlanError);
      expect(thrown instanceof PlanError && paths(thrown.issues)).toEqual([
        "activeRegion",
        "database.members.ap-southeast-1",
      ]);
      expect(thrown instanceof PlanError && thrown.name).toBe("PlanError");
    });
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
