import { describe, expect, it } from "vitest";
import { floorPath, modelledTimings, sequentialRunbookPath } from "../../sandbox/critical-path.js";
import { resolveLatencies } from "../../sandbox/latencies.js";
import { gatedTestPlan } from "../support/plan-fixtures.js";

describe("the floor and the sequential runbook", () => {
  it("adds detection and TTL to the waits, and overlaps promotion and capacity only in the floor", () => {
    const plan = gatedTestPlan();
    const timings = modelledTimings(resolveLatencies({ auroraFailover: 60_000 }));

    const floor = floorPath(plan, "failover", timings);
    const sequential = sequentialRunbookPath(plan, "failover", timings);

    expect(floor.segments.map((segment) => segment.name)).toEqual([
      "detection",
      "promotion | capacity",
      "gate propagation",
      "TTL",
    ]);
    expect(sequential.segments.map((segment) => segment.name)).toEqual([
      "detection",
      "hold",
      "promotion",
      "scale-up",
      "gate propagation",
      "TTL",
    ]);
    expect(sequential.seconds).toBeGreaterThan(floor.seconds);
  });

  it("follows the latency table: a slower health check lengthens both by the same detection", () => {
    const plan = gatedTestPlan();
    const usual = modelledTimings(resolveLatencies());
    const slower = modelledTimings(resolveLatencies({ healthCheckInterval: 60_000 }));

    const grows = (compute: typeof floorPath) =>
      compute(plan, "switchover", slower).seconds - compute(plan, "switchover", usual).seconds;

    expect(grows(floorPath)).toBe(90);
    expect(grows(sequentialRunbookPath)).toBe(90);
  });
});
