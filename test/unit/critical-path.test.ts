import { describe, expect, it } from "vitest";
import {
  failbackCriticalPath,
  failoverCriticalPath,
  formatCriticalPath,
  type ModelledTimings,
} from "../../sandbox/critical-path.js";
import { testPlan } from "../support/plan-fixtures.js";

const timings: ModelledTimings = {
  rds: { switchoverMs: 75_000, failoverMs: 45_000 },
  eks: {
    asgUpdateMs: 20_000,
    scaleBaseMs: 120_000,
    scalePerNodeMs: 15_000,
    scaleDownMs: 60_000,
    autoscalerScanMs: 10_000,
  },
  route53: { changePropagationMs: 30_000 },
};

describe("critical path", () => {
  it("waits out the hold, then the slower of promotion and the slowest nodegroup, then DNS", () => {
    const plan = testPlan();

    const path = failoverCriticalPath(plan, "failover", timings);

    // web goes 2 -> 6: 120 s + 4 x 15 s = 180 s, slower than worker's 150 s and the promotion's 45 s.
    expect(formatCriticalPath(path)).toBe(
      "hold 60 s + max(promotion 45 s, scale-up 180 s) + DNS propagation 30 s = 270 s",
    );
    expect(path.seconds).toBe(270);
  });

  it("lets the promotion set the pace when the standby already runs at its active sizes", () => {
    const plan = testPlan((input) => {
      for (const cluster of input.compute.clusters)
        for (const nodegroup of cluster.nodegroups) nodegroup.standbySize = nodegroup.activeSize;
    });

    const path = failoverCriticalPath(plan, "switchover", timings);

    expect(formatCriticalPath(path)).toBe(
      "hold 60 s + max(promotion 75 s, scale-up 0 s) + DNS propagation 30 s = 165 s",
    );
  });

  it("overlaps the hold with the scale-up when the plan prepares during the hold", () => {
    const plan = testPlan((input) => {
      input.triggers = { ...input.triggers, prepareDuringHold: true };
    });

    const path = failoverCriticalPath(plan, "failover", timings);

    expect(formatCriticalPath(path)).toBe(
      "max(hold + promotion 105 s, scale-up 180 s) + DNS propagation 30 s = 210 s",
    );
  });

  it("puts a failback's scale-up before its switchover, and leaves it out when the region kept its sizes", () => {
    const plan = testPlan();

    expect(formatCriticalPath(failbackCriticalPath(plan, "standby", timings))).toBe(
      "scale-up 180 s + switchover 75 s + DNS propagation 30 s = 285 s",
    );
    expect(formatCriticalPath(failbackCriticalPath(plan, "active", timings))).toBe(
      "switchover 75 s + DNS propagation 30 s = 105 s",
    );
  });
});
