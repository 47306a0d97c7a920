import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_LATENCIES, LATENCY_NAMES } from "../../sandbox/latencies.js";
import { runKirikae } from "../support/run-kirikae.js";

async function latenciesFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kirikae-latencies-"));
  const file = join(dir, "latencies.json");
  await writeFile(file, JSON.stringify(content));
  return file;
}

interface JsonStep {
  name: string;
  startedAt: string;
  endedAt: string;
}

async function promotionSeconds(...extra: string[]): Promise<number> {
  const { code, stdout } = await runKirikae(["drill", "--no-failback", "--json", ...extra]);
  expect(code).toBe(0);
  const parsed = JSON.parse(stdout) as { workflows: Array<{ steps: JsonStep[] }> };
  const promote = parsed.workflows[0]?.steps.find((step) => step.name === "Promote database");
  if (!promote) throw new Error("the failover has no promotion step");
  return (Date.parse(promote.endedAt) - Date.parse(promote.startedAt)) / 1000;
}

describe("kirikae drill --latencies", () => {
  it("exits 2 on an unknown key, naming it and every allowed key, and runs nothing", async () => {
    const file = await latenciesFile({ route53Propagation: 10_000 });

    const { code, stdout, stderr } = await runKirikae(["drill", "--latencies", file]);

    expect(code).toBe(2);
    expect(stderr).toContain("unknown key route53Propagation");
    for (const name of LATENCY_NAMES) expect(stderr).toContain(name);
    expect(stdout).not.toContain("drill region-outage");
  });

  it("rejects a value that is not a duration", async () => {
    const file = await latenciesFile({ auroraFailover: -1 });

    const { code, stderr } = await runKirikae(["drill", "--latencies", file]);

    expect(code).toBe(2);
    expect(stderr).toContain("auroraFailover");
  });

  it("replays an account's own figure: a slower Aurora failover lengthens the promotion by the difference", async () => {
    const slower = DEFAULT_LATENCIES.auroraFailover + 120_000;
    const file = await latenciesFile({ auroraFailover: slower });

    const modelled = await promotionSeconds();
    const replayed = await promotionSeconds("--latencies", file);

    expect(modelled).toBeGreaterThanOrEqual(DEFAULT_LATENCIES.auroraFailover / 1000);
    expect(replayed).toBeGreaterThanOrEqual(slower / 1000);
    // Polling granularity aside, the step takes exactly the 120 s more the file asked for.
    expect(replayed - modelled).toBeGreaterThan(100);
    expect(replayed - modelled).toBeLessThan(140);
  }, 120_000);
});
