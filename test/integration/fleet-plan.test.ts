import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import type { Plan } from "../../core/plan/schema.js";
import {
  FLEET_PLAN_FILE,
  FLEET_SIZE,
  fleetPlan,
  NODEGROUPS_PER_CLUSTER,
  parsedFleetPlan,
  planJson,
} from "../../examples/generate-fleet-plan.js";
import { type DrillResult, runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario } from "../../sandbox/drill/scenarios.js";

const regionOutage = findScenario("region-outage");

async function drill(plan: Plan): Promise<DrillResult> {
  if (!regionOutage) throw new Error("no region-outage scenario");
  return runDrill({ plan, scenario: regionOutage });
}

/** The failover's "Switch traffic" step in modelled seconds, from the drill's own step records. */
function switchSeconds(result: DrillResult): number {
  const failover = result.workflows.find((workflow) => workflow.kind === "failover");
  const spans = (failover?.steps ?? []).filter((step) => step.name === "Switch traffic");
  expect(spans.length).toBeGreaterThan(0);
  const start = Math.min(...spans.map((step) => Date.parse(step.startedAt)));
  const end = Math.max(...spans.map((step) => Date.parse(step.endedAt)));
  return (end - start) / 1000;
}

function expectClean(result: DrillResult): void {
  expect(result.accessDenied).toEqual([]);
  expect(Object.entries(result.invariants).filter(([, held]) => !held)).toEqual([]);
  expect(result.workflows.map((workflow) => workflow.status)).toEqual(["succeeded"]);
  expect(result.ok).toBe(true);
}

describe("the fleet example: 200 records in one zone, 200 nodegroups per region", () => {
  it("is exactly what examples/generate-fleet-plan.ts writes", async () => {
    const committed = await readFile(FLEET_PLAN_FILE, "utf8");

    expect(committed).toBe(planJson(fleetPlan(FLEET_SIZE)));
  });

  it("validates, with no cluster above EKS's default 30 managed nodegroups", async () => {
    const plan = await loadPlanFile(FLEET_PLAN_FILE);

    expect(plan.dns.records).toHaveLength(200);
    for (const region of plan.regions) {
      const clusters = plan.compute.clusters.filter((cluster) => cluster.region === region);
      expect(clusters.flatMap((cluster) => cluster.nodegroups)).toHaveLength(200);
      expect(clusters).toHaveLength(Math.ceil(200 / NODEGROUPS_PER_CLUSTER));
      for (const cluster of clusters)
        expect(cluster.nodegroups.length).toBeLessThanOrEqual(NODEGROUPS_PER_CLUSTER);
    }
  });

  // A drill of 200 nodegroups makes about 3,600 EKS calls through the SDK (every nodegroup is read at each
  // 10 s poll while its nodes join), about 25 s of CPU: far above the 20 s other tests keep to.
  it("drills a region outage cleanly, its gated switch within 10% of a one-record plan's", {
    timeout: 120_000,
  }, async () => {
    const one = await drill(parsedFleetPlan(1));
    const fleet = await drill(await loadPlanFile(FLEET_PLAN_FILE));

    expectClean(one);
    expectClean(fleet);
    // Gates: nothing edits a record, every nodegroup is raised once.
    expect(fleet.mutations.ChangeResourceRecordSets).toBeUndefined();
    expect(fleet.mutations.UpdateNodegroupConfig).toBe(200);
    expect(Object.values(fleet.traffic.records)).toEqual(Array(200).fill("eu-west-1"));
    expect(switchSeconds(fleet)).toBeLessThanOrEqual(switchSeconds(one) * 1.1);
  });
});
