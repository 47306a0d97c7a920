import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { benchPlan, examplePlanFiles } from "../../bench/failover-rto.js";

async function latenciesFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kirikae-rto-bench-"));
  const file = join(dir, "latencies.json");
  await writeFile(file, JSON.stringify(content));
  return file;
}

describe("bench:rto", () => {
  it("benches every example plan, TypeScript included, but the broken one", async () => {
    const files = await examplePlanFiles();

    expect(files).toContain("examples/oregon-ireland.plan.ts");
    expect(files).toContain("examples/tokyo-singapore.plan.json");
    expect(files).not.toContain("examples/broken.plan.json");
  });

  it("computes the floor and the sequential runbook from the latency table a --latencies file replaces", async () => {
    const plan = "examples/tokyo-singapore.plan.json";
    const slower = await latenciesFile({ auroraFailover: 120_000, nodeReady: 300_000 });

    const [usual] = await benchPlan(plan);
    const [replayed] = await benchPlan(plan, slower);

    if (!usual || !replayed) throw new Error("no region-outage run");
    expect(usual).toMatchObject({ scenario: "region-outage", sequentialSeconds: 345, floorSeconds: 210 });
    // +60 s promotion and +180 s of nodes, one after the other in the runbook.
    expect(replayed.sequentialSeconds).toBe(345 + 60 + 180);
    // The floor overlaps them: the slower of the two (the half of the capacity traffic waits for) grows by 180 s.
    expect(replayed.floorSeconds).toBe(210 + 180);
    expect(replayed.userVisibleRtoSeconds).toBeGreaterThan(usual.userVisibleRtoSeconds);
    expect(replayed.sequentialOverKirikae).toBeCloseTo(
      replayed.sequentialSeconds / replayed.userVisibleRtoSeconds,
      2,
    );
    expect(replayed.kirikaeOverFloor).toBeCloseTo(replayed.userVisibleRtoSeconds / replayed.floorSeconds, 2);
  });
});
