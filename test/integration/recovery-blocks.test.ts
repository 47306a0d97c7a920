import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeDrillReports } from "../../cli/drill-reports.js";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import { runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario } from "../../sandbox/drill/scenarios.js";

const EXAMPLE = "examples/tokyo-osaka-blocks.plan.json";
const OSAKA = "ap-northeast-3";
const VELERO_TOKYO = "arn:aws:lambda:ap-northeast-1:111122223333:function:retail-velero-restore";
const VELERO_OSAKA = "arn:aws:lambda:ap-northeast-3:111122223333:function:retail-velero-restore";

function regionOutage() {
  const scenario = findScenario("region-outage");
  if (!scenario) throw new Error("the region-outage scenario is missing");
  return scenario;
}

describe("a plan made of blocks", () => {
  it("fails over and back with two Aurora databases, EKS, ECS, an Auto Scaling group, the seeds' restores and a probe, every invariant true", async () => {
    const plan = await loadPlanFile(EXAMPLE);
    let scaled: { api: number | undefined; batch: number | undefined; restores: number; probes: number[] } = {
      api: undefined,
      batch: undefined,
      restores: 0,
      probes: [],
    };

    const result = await runDrill({
      plan,
      scenario: regionOutage(),
      failback: true,
      afterwards: async ({ built }) => {
        scaled = {
          api: built.models.ecs.serviceState(OSAKA, "retail-osaka", "retail-api")?.runningCount,
          batch: built.models.autoscaling.group(OSAKA, "retail-batch-osaka")?.inService,
          restores: built.models.velero.restores(OSAKA, "retail-osaka").length,
          probes: built.httpProbe.requests.map((request) => request.status),
        };
      },
    });

    expect(result.workflows.map((workflow) => [workflow.kind, workflow.status])).toEqual([
      ["failover", "succeeded"],
      ["failback", "succeeded"],
    ]);
    expect(Object.entries(result.invariants).filter(([, holds]) => !holds)).toEqual([]);
    expect(result.accessDenied).toEqual([]);
    expect(result.traffic.nonWriterSeconds).toBe(0);
    // Both global databases were promoted, then switched back home.
    expect(result.final.writerRegion).toBe(plan.activeRegion);
    const failover = result.workflows[0]?.steps.map((step) => step.name) ?? [];
    expect(failover).toEqual(
      expect.arrayContaining([
        "Promote orders-db",
        "Promote members-db",
        "Scale up api",
        "Scale up batch",
        "Run restore-catalog",
        "Run restore-search",
        "Probe storefront-probe",
      ]),
    );
    // The restores ran in order of priority, after the storefront's capacity, and before traffic moved.
    const index = (name: string) => failover.indexOf(name);
    expect(index("Run restore-catalog")).toBeGreaterThan(index("Scale up storefront"));
    expect(index("Run restore-search")).toBeGreaterThan(index("Run restore-catalog"));
    expect(index("Switch traffic")).toBeGreaterThan(index("Run restore-search"));
    // The failback left Osaka at standby: ECS and Auto Scaling released last.
    expect(scaled).toMatchObject({ api: 2, batch: 1, restores: 1 });
    // The probe saw the storefront take writes, through DNS as users resolve it.
    expect(scaled.probes).toContain(200);
  });

  it("escalates when a custom step's result differs from its expected result, and the report names the step and the field", async () => {
    const plan = await loadPlanFile(EXAMPLE);
    const directory = await mkdtemp(join(tmpdir(), "kirikae-blocks-"));
    const files: string[] = [];

    const result = await runDrill({
      plan,
      scenario: regionOutage(),
      failback: false,
      // The restore finds a broken backup: Velero reports the restore PartiallyFailed.
      prepare: (built) => {
        for (const arn of [VELERO_TOKYO, VELERO_OSAKA]) {
          built.models.lambda.register(arn, async (event) => {
            const { attempt } = event as { attempt: number };
            return attempt === 1
              ? { status: "pending", pollAfterSeconds: 30 }
              : { restored: false, phase: "PartiallyFailed", namespace: "catalog" };
          });
        }
      },
      afterwards: async (state) => {
        await writeDrillReports(directory, plan, "en", files)(state);
      },
    });

    const [failover] = result.workflows;
    expect(failover?.status).toBe("escalated");
    expect(failover?.reason).toMatch(/custom step "restore-catalog" finished with an unexpected result/);
    expect(failover?.reason).toMatch(/restored: expected true, got false/);
    expect(failover?.reason).toMatch(/phase: expected "Completed", got "PartiallyFailed"/);
    // Nothing moved users: traffic waits for every restore.
    expect(result.final.trafficRegion).toBe(plan.activeRegion);
    expect(failover?.steps.map((step) => step.name)).not.toContain("Switch traffic");
    expect(Object.entries(result.invariants).filter(([, holds]) => !holds)).toEqual([]);
    const report = await readFile(files.find((file) => file.endsWith(".md")) ?? "", "utf8");
    expect(report).toMatch(/restore-catalog/);
    expect(report).toMatch(/CustomStepResultMismatch|unexpected result/);
  });

  it("puts the Auto Scaling group and ECS service it raised back to standby when the run escalates before a database moved", async () => {
    const plan = await loadPlanFile(EXAMPLE);
    const scenario = regionOutage();
    let after: { api: number | undefined; batch: number | undefined; compensations: string[] } = {
      api: undefined,
      batch: undefined,
      compensations: [],
    };

    const result = await runDrill({
      plan,
      scenario,
      failback: false,
      // Aurora refuses the failover of one database: nothing was promoted, so what was raised goes back.
      faults: [
        {
          kind: "fail",
          operation: "FailoverGlobalCluster",
          // For good: more refusals than the workflow's retries and the step's own polls together.
          times: 10_000,
          error: "InvalidGlobalClusterStateFault",
        },
      ],
      afterwards: async ({ built, controlPlane }) => {
        const records = await controlPlane.audit.chain(plan.name);
        after = {
          api: built.models.ecs.serviceState(OSAKA, "retail-osaka", "retail-api")?.desiredCount,
          batch: built.models.autoscaling.group(OSAKA, "retail-batch-osaka")?.desiredCapacity,
          compensations: records
            .filter(
              (record) =>
                record.kind === "intent" &&
                (record.details as { compensation?: boolean } | undefined)?.compensation,
            )
            .map((record) => record.action),
        };
      },
    });

    expect(result.workflows[0]?.status).toBe("escalated");
    expect(result.accessDenied).toEqual([]);
    expect(after).toMatchObject({ api: 2, batch: 1 });
    expect(after.compensations).toEqual(
      expect.arrayContaining(["autoscaling:UpdateAutoScalingGroup", "ecs:UpdateService"]),
    );
  });
});
