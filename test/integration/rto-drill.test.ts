import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import { validatePlan } from "../../core/plan/validate-plan.js";
import { runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario, type Scenario } from "../../sandbox/drill/scenarios.js";
import { runKirikae } from "../support/run-kirikae.js";

const DEFAULT_EXAMPLE = "examples/tokyo-singapore.plan.json";

function scenario(name: string): Scenario {
  const found = findScenario(name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
}

describe("a drill's RTO as users feel it", () => {
  it("reports detection, recovery and the user-visible RTO, which adds up to detection + recovery + TTL", async () => {
    const plan = await loadPlanFile(DEFAULT_EXAMPLE);

    const result = await runDrill({ plan, scenario: scenario("region-outage"), failback: true });

    const [failover, failback] = result.workflows;
    if (!failover || !failback) throw new Error("expected a failover and a failback");
    expect(failover.detectionSeconds).toBeGreaterThan(0);
    expect(failover.recoverySeconds).toBeGreaterThan(0);
    expect(failover.ttlSeconds).toBe(30);
    expect(failover.userVisibleRtoSeconds).toBeCloseTo(
      failover.detectionSeconds + (failover.recoverySeconds ?? Number.NaN) + failover.ttlSeconds,
      6,
    );
    expect(failover.rtoSeconds).toBe(failover.userVisibleRtoSeconds);
    expect(failback).toMatchObject({ kind: "failback", detectionSeconds: 0 });
    expect(failback.userVisibleRtoSeconds).toBeCloseTo((failback.recoverySeconds ?? Number.NaN) + 30, 6);
  });

  it("measures recovery on DNS answers at the writer region, never before kirikae could have moved them", async () => {
    // Traffic waiting for all of the capacity, so users are served when kirikae verifies, not before.
    const written = JSON.parse(await readFile(DEFAULT_EXAMPLE, "utf8"));
    const validated = validatePlan({ ...written, compute: { ...written.compute, trafficAtCapacity: 1 } });
    if (!validated.ok) throw new Error("the example no longer validates");
    const plan = validated.plan;

    const result = await runDrill({ plan, scenario: scenario("degraded-primary") });

    const [failover] = result.workflows;
    if (!failover?.recoveredAt) throw new Error("the failover never served users");
    expect(Date.parse(failover.recoveredAt) - Date.parse(failover.triggeredAt)).toBe(
      (failover.recoverySeconds ?? Number.NaN) * 1000,
    );
    // Sampled each modelled second on the data planes: close to kirikae's own verification, not equal to it.
    expect(Math.abs((failover.recoverySeconds ?? 0) - (failover.verifiedRtoSeconds ?? 0))).toBeLessThan(10);
    expect(Date.parse(failover.outage.startedAt)).toBeLessThan(Date.parse(failover.triggeredAt));
  });

  it("reports the exact outage start beside the estimate from the trigger alarm's evaluation window", async () => {
    const plan = await loadPlanFile(DEFAULT_EXAMPLE);

    const result = await runDrill({ plan, scenario: scenario("region-outage") });

    const outage = result.workflows[0]?.outage;
    if (!outage?.window || outage.estimatedStartedAt === null) throw new Error("no estimate");
    const window = outage.window.periodSeconds * outage.window.evaluationPeriods;
    expect(outage.estimatedDetectionSeconds).toBe(window);
    expect(Date.parse(result.workflows[0]?.triggeredAt ?? "") - Date.parse(outage.estimatedStartedAt)).toBe(
      window * 1000,
    );
  });

  it("carries the three figures in `kirikae drill --json` and prints them in the summary", async () => {
    const json = await runKirikae(["drill", "--no-failback", "--json"]);
    const text = await runKirikae(["drill", "--no-failback"]);

    expect(json.code).toBe(0);
    const [workflow] = (JSON.parse(json.stdout) as { workflows: Array<Record<string, unknown>> }).workflows;
    expect(workflow).toMatchObject({
      rtoSeconds: expect.any(Number),
      userVisibleRtoSeconds: expect.any(Number),
      detectionSeconds: expect.any(Number),
      recoverySeconds: expect.any(Number),
      verifiedRtoSeconds: expect.any(Number),
    });
    expect(text.stdout).toMatch(/RTO .* as users felt it/);
    // The example's first alarm is a 3 x 10 s canary, evaluated 5 s after its last period.
    expect(text.stdout).toMatch(
      /detection 35\.0 s \(outage start to the alarm; estimated from the alarm's window 10 s × 3/,
    );
    expect(text.stdout).toContain("+ DNS TTL 30.0 s");
  });
});
