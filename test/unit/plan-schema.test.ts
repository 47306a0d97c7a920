import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { PlanIssue } from "../../core/plan/plan-rules.js";
import type { LegacyPlanInput as PlanInput } from "../../core/plan/schema.js";
import { validatePlan } from "../../core/plan/validate-plan.js";
import { testPlanInput } from "../support/plan-fixtures.js";
import weightedPlan from "../support/weighted-record-edits.plan.js";

/** The issues validatePlan reports for the test plan after `change`; none when it is valid. */
function issuesAfter(change: (input: PlanInput) => void): PlanIssue[] {
  const input = testPlanInput();
  change(input);
  const result = validatePlan(input);
  return result.ok ? [] : result.issues;
}

function paths(issues: PlanIssue[]): string[] {
  return issues.map((issue) => issue.path);
}

describe("plan schema", () => {
  describe("the shipped examples", () => {
    it("accepts the Tokyo-Singapore failover plan as written in the DR design documents", async () => {
      const document: unknown = JSON.parse(await readFile("examples/tokyo-singapore.plan.json", "utf8"));

      const result = validatePlan(document);

      expect(result.ok ? [] : result.issues).toEqual([]);
      expect(result.ok && result.plan).toMatchObject({
        name: "shop",
        regions: ["ap-northeast-1", "ap-southeast-1"],
        activeRegion: "ap-northeast-1",
        database: { dataLoss: "within-rpo" },
        dns: { routing: "failover" },
        triggers: { mode: "automatic", holdSeconds: 30, prepareDuringHold: true, cooldownMinutes: 30 },
        objectives: { rtoMinutes: 15, rpoMinutes: 5 },
        timeouts: { rollbackAfterMinutes: 30 },
      });
    });

    it("gives the Tokyo-Singapore plan web, api and worker nodegroups sized for pilot light", async () => {
      const document: unknown = JSON.parse(await readFile("examples/tokyo-singapore.plan.json", "utf8"));

      const result = validatePlan(document);

      const clusters = result.ok ? result.plan.compute.clusters : [];
      expect(clusters.map((cluster) => cluster.region)).toEqual(["ap-northeast-1", "ap-southeast-1"]);
      for (const cluster of clusters) {
        expect(cluster.nodegroups).toEqual([
          { name: "web", activeSize: 6, standbySize: 2, maxSize: 10 },
          { name: "api", activeSize: 4, standbySize: 2, maxSize: 8 },
          { name: "worker", activeSize: 3, standbySize: 1, maxSize: 6 },
        ]);
      }
    });

    it("accepts the weighted TypeScript plan, whose definePlan already validated it, a second time", () => {
      const result = validatePlan(weightedPlan);

      expect(result.ok ? [] : result.issues).toEqual([]);
      expect(weightedPlan).toMatchObject({
        dns: { routing: "weighted" },
        triggers: { mode: "approval" },
        recovery: {
          form: "legacy",
          blocks: expect.arrayContaining([
            expect.objectContaining({ kind: "lambda", id: "warm-caches", after: ["database"] }),
          ]),
        },
      });
    });
  });

  describe("defaults", () => {
    it("fills in every default a plan author may leave out", () => {
      const input = testPlanInput();
      const record = input.dns.records[0];
      if (record) delete record.ttlSeconds;
      delete input.database.dataLoss;
      input.triggers = { alarms: [{ name: "shop-tokyo-health", region: "us-east-1" }] };

      const result = validatePlan(input);

      expect(result.ok).toBe(true);
      expect(result.ok && result.plan.timeouts).toEqual({ stepSeconds: 600, rollbackAfterMinutes: 30 });
      expect(result.ok && result.plan.triggers).toMatchObject({
        mode: "automatic",
        holdSeconds: 60,
        cooldownMinutes: 30,
      });
      expect(result.ok && result.plan.database.dataLoss).toBe("never");
      expect(result.ok && result.plan.dns.activeWeight).toBe(100);
      expect(result.ok && result.plan.dns.records[0]?.ttlSeconds).toBe(60);
      expect(result.ok && result.plan.recovery.blocks.map((block) => block.kind)).toEqual([
        "aurora-global",
        "eks",
        "route53",
      ]);
    });

    it("fills in the rollback timeout when only the step timeout is given", () => {
      const input = testPlanInput();
      input.timeouts = { stepSeconds: 300 };

      const result = validatePlan(input);

      expect(result.ok && result.plan.timeouts).toEqual({ stepSeconds: 300, rollbackAfterMinutes: 30 });
    });

    it("gives a custom step a 60-second timeout unless it says otherwise", () => {
      const input = testPlanInput();
      input.customSteps = [
        {
          name: "restart-deployments",
          functionArn: "arn:aws:lambda:ap-southeast-1:111122223333:function:shop-restart",
          runAfter: "traffic-switch",
        },
      ];

      const result = validatePlan(input);

      const step = result.ok
        ? result.plan.recovery.blocks.find((block) => block.kind === "lambda")
        : undefined;
      expect(step).toMatchObject({ id: "restart-deployments", timeoutSeconds: 60, after: ["traffic"] });
    });

    it("lower-cases record names, since Route 53 compares them case-insensitively", () => {
      const input = testPlanInput();
      const record = input.dns.records[0];
      if (record) record.name = "App.Example.COM";

      const result = validatePlan(input);

      expect(result.ok && result.plan.dns.records[0]?.name).toBe("app.example.com");
    });
  });

  describe("field checks, each reported at its path", () => {
    it("rejects an unknown field with a hint to check its spelling", () => {
      const issues = issuesAfter((input) => {
        Object.assign(input.triggers, { hold: 60 });
      });

      expect(issues).toEqual([
        {
          path: "triggers",
          message: expect.stringContaining('"hold"'),
          hint: expect.stringContaining("check its spelling"),
        },
      ]);
    });

    it("rejects a member cluster ARN with the account ID copied with its dashes", () => {
      const issues = issuesAfter((input) => {
        input.database.members["ap-northeast-1"] =
          "arn:aws:rds:ap-northeast-1:1111-2222-3333:cluster:shop-tokyo";
      });

      expect(issues).toEqual([
        { path: "database.members.ap-northeast-1", message: "must be a DB cluster ARN" },
      ]);
    });

    it("rejects an instance ARN where a cluster ARN belongs", () => {
      const issues = issuesAfter((input) => {
        input.database.members["ap-southeast-1"] =
          "arn:aws:rds:ap-southeast-1:111122223333:db:shop-singapore-1";
      });

      expect(paths(issues)).toEqual(["database.members.ap-southeast-1"]);
    });

    it("rejects a custom step whose function is not a Lambda ARN", () => {
      const issues = issuesAfter((input) => {
        input.customSteps = [
          {
            name: "warm-caches",
            functionArn: "arn:aws:states:ap-southeast-1:111122223333:stateMachine:warm",
            runAfter: "promotion",
          },
        ];
      });

      expect(issues).toEqual([
        { path: "customSteps[0].functionArn", message: "must be a Lambda function ARN" },
      ]);
    });

    it("rejects a region name that is not an AWS region code", () => {
      const issues = issuesAfter((input) => {
        input.triggers.alarms = [{ name: "shop-tokyo-health", region: "Tokyo" }];
      });

      expect(issues).toEqual([
        { path: "triggers.alarms[0].region", message: expect.stringContaining("AWS region code") },
      ]);
    });

    it("requires exactly two regions: the active one and its standby", () => {
      const issues = issuesAfter((input) => {
        input.regions = ["ap-northeast-1", "ap-southeast-1", "ap-northeast-3"];
      });

      expect(issues).toContainEqual({
        path: "regions",
        message: expect.stringContaining("exactly two regions"),
      });
    });

    it("rejects a health check ID that is not Route 53's 8-4-4-4-12 hex shape", () => {
      const issues = issuesAfter((input) => {
        const target = input.dns.records[0]?.targets["ap-northeast-1"];
        if (target) target.healthCheckId = "shop-tokyo-health";
      });

      expect(paths(issues)).toEqual(["dns.records[0].targets.ap-northeast-1.healthCheckId"]);
    });

    it("accepts a health check ID without RFC version bits, as in Route 53's own documentation", () => {
      const issues = issuesAfter((input) => {
        const target = input.dns.records[0]?.targets["ap-northeast-1"];
        if (target) target.healthCheckId = "abcdef11-2222-3333-4444-555555fedcba";
      });

      expect(issues).toEqual([]);
    });

    it("rejects fractional and negative nodegroup sizes", () => {
      const issues = issuesAfter((input) => {
        const nodegroups = input.compute.clusters[0]?.nodegroups ?? [];
        nodegroups[0] = { name: "web", activeSize: 2.5, standbySize: -1, maxSize: 10 };
      });

      expect(paths(issues)).toEqual([
        "compute.clusters[0].nodegroups[0].activeSize",
        "compute.clusters[0].nodegroups[0].standbySize",
      ]);
    });

    it("says which required field is missing", () => {
      const issues = issuesAfter((input) => {
        Reflect.deleteProperty(input, "objectives");
      });

      expect(issues).toEqual([
        { path: "objectives", message: expect.any(String), hint: "this field is required" },
      ]);
    });

    it("names the allowed values of an enumerated field", () => {
      const issues = issuesAfter((input) => {
        Object.assign(input.triggers, { mode: "manual" });
      });

      expect(issues).toEqual([
        { path: "triggers.mode", message: expect.any(String), hint: 'one of: "automatic", "approval"' },
      ]);
    });

    it("reports a document that is not an object at the plan's root", () => {
      const result = validatePlan(["not", "a", "plan"]);

      expect(result.ok ? [] : paths(result.issues)).toContain("(plan)");
    });
  });
});

describe("plan schema: A records and alias targets", () => {
  type Target = PlanInput["dns"]["records"][number]["targets"][string];
  /** testPlanInput shares its nested objects between calls: each change builds new ones. */
  function withRecord(type: "A" | "AAAA", target: (region: string, old: Target) => Target) {
    return (input: PlanInput) => {
      input.dns = {
        ...input.dns,
        records: input.dns.records.map((record) => ({
          ...record,
          type,
          targets: Object.fromEntries(
            Object.entries(record.targets).map(([region, old]) => [region, target(region, old)]),
          ),
        })),
      };
    };
  }
  const alias = (region: string) => ({
    hostedZoneId: "Z14GRHDCWA56QT",
    dnsName: `Shop-${region}.${region}.elb.amazonaws.com`,
    evaluateTargetHealth: true,
  });

  it("rejects an A record whose value is a host name, with a hint to use an alias", () => {
    const issues = issuesAfter(withRecord("A", (_, old) => old));

    expect(issues[0]).toMatchObject({
      path: "dns.records[0].targets.ap-northeast-1.value",
      message: expect.stringContaining("must be an IPv4 address"),
      hint: expect.stringContaining("alias"),
    });
  });

  it("rejects an AAAA record whose value is an IPv4 address", () => {
    const issues = issuesAfter(withRecord("AAAA", (_, old) => ({ ...old, value: "192.0.2.1" })));

    expect(paths(issues)).toEqual([
      "dns.records[0].targets.ap-northeast-1.value",
      "dns.records[0].targets.ap-southeast-1.value",
    ]);
  });

  it("accepts alias targets on an A record, and takes the alias's DNS name as what the record answers", () => {
    const input = testPlanInput();
    withRecord("A", (region, { value: _, ...old }) => ({ ...old, alias: alias(region) }))(input);

    const result = validatePlan(input);

    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(result.ok && result.plan.dns.records[0]?.targets["ap-northeast-1"]).toMatchObject({
      value: "shop-ap-northeast-1.ap-northeast-1.elb.amazonaws.com",
      alias: { hostedZoneId: "Z14GRHDCWA56QT", evaluateTargetHealth: true },
    });
  });

  it("rejects a target with both a value and an alias, or with neither", () => {
    const both = issuesAfter(withRecord("A", (region, old) => ({ ...old, alias: alias(region) })));
    const neither = issuesAfter(withRecord("A", (_, { value: __, ...old }) => old));

    expect(paths(both)).toEqual([
      "dns.records[0].targets.ap-northeast-1.alias",
      "dns.records[0].targets.ap-southeast-1.alias",
    ]);
    expect(paths(neither)).toEqual([
      "dns.records[0].targets.ap-northeast-1.value",
      "dns.records[0].targets.ap-southeast-1.value",
    ]);
  });
});
