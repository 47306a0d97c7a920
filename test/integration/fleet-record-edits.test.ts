import { describe, expect, it } from "vitest";
import { FLEET_SIZE, parsedFleetPlan } from "../../examples/generate-fleet-plan.js";
import { type DrillResult, runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario } from "../../sandbox/drill/scenarios.js";

/**
 * The fleet example's estate with its 200 weighted records edited through Route 53's API instead of gated,
 * so that every record is in the switch's change batch. In a file of its own so that it runs beside
 * fleet-plan.test.ts, each drill of 200 nodegroups taking about 25 s of CPU.
 */
async function drill(size: number): Promise<DrillResult> {
  const scenario = findScenario("region-outage");
  if (!scenario) throw new Error("no region-outage scenario");
  return runDrill({ plan: parsedFleetPlan(size, "record-edits"), scenario });
}

function switchSeconds(result: DrillResult): number {
  const failover = result.workflows.find((workflow) => workflow.kind === "failover");
  const spans = (failover?.steps ?? []).filter((step) => step.name === "Switch traffic");
  expect(spans.length).toBeGreaterThan(0);
  const start = Math.min(...spans.map((step) => Date.parse(step.startedAt)));
  const end = Math.max(...spans.map((step) => Date.parse(step.endedAt)));
  return (end - start) / 1000;
}

describe("the fleet plan with its records edited", () => {
  it("moves all 200 records in one change batch, its switch within 10% of one record's", {
    timeout: 120_000,
  }, async () => {
    const one = await drill(1);
    const fleet = await drill(FLEET_SIZE);

    for (const result of [one, fleet]) {
      expect(result.accessDenied).toEqual([]);
      expect(Object.entries(result.invariants).filter(([, held]) => !held)).toEqual([]);
      expect(result.ok).toBe(true);
    }
    // 400 UPSERTs are 800 ResourceRecord elements and under 10,000 characters: inside one request's limits.
    expect(fleet.mutations.ChangeResourceRecordSets).toBe(1);
    expect(fleet.mutations.UpdateNodegroupConfig).toBe(FLEET_SIZE);
    expect(Object.values(fleet.traffic.records)).toEqual(Array(FLEET_SIZE).fill("eu-west-1"));
    expect(switchSeconds(fleet)).toBeLessThanOrEqual(switchSeconds(one) * 1.1);
  });
});
