import { describe, expect, it } from "vitest";
import {
  DEFAULT_LATENCIES,
  LATENCY_NAMES,
  LatencyFileError,
  parseLatencyOverrides,
  resolveLatencies,
} from "../../sandbox/latencies.js";

describe("latency table: Auto Scaling instances and ECS tasks", () => {
  it("lists the launch-to-InService and start-to-RUNNING figures among the keys --latencies accepts", () => {
    expect(LATENCY_NAMES).toEqual(expect.arrayContaining(["asgInstanceInService", "ecsTaskRunning"]));
    expect(DEFAULT_LATENCIES).toMatchObject({ asgInstanceInService: 120_000, ecsTaskRunning: 60_000 });
  });

  it("replays an account's own figures for them", () => {
    const overrides = parseLatencyOverrides({ asgInstanceInService: 300_000, ecsTaskRunning: 45_000 });

    expect(resolveLatencies(overrides)).toMatchObject({
      asgInstanceInService: 300_000,
      ecsTaskRunning: 45_000,
    });
  });

  it("refuses a negative figure, naming the key", () => {
    expect(() => parseLatencyOverrides({ ecsTaskRunning: -1 })).toThrow(LatencyFileError);
    expect(() => parseLatencyOverrides({ ecsTaskRunning: -1 })).toThrow(/ecsTaskRunning/);
  });

  it("refuses a near miss of the new keys, listing the allowed ones", () => {
    expect(() => parseLatencyOverrides({ ecsTaskStart: 45_000 })).toThrow(
      /unknown key ecsTaskStart.*asgInstanceInService.*ecsTaskRunning/,
    );
  });
});
