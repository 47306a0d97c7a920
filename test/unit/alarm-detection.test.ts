import { describe, expect, it } from "vitest";
import { alarmSchedule, firstDetection } from "../../sandbox/alarm-detection.js";
import { DEFAULT_LATENCIES } from "../../sandbox/latencies.js";
import { testPlan } from "../support/plan-fixtures.js";

/** A plan with the three kinds of trigger: a health-check alarm, a 10-second canary, and one kept elsewhere. */
const plan = testPlan((input) => {
  input.triggers.alarms = [
    {
      name: "shop-tokyo-health-check",
      region: "us-east-1",
      create: {
        kind: "health-check",
        healthCheckId: "0f6c1a2e-7b3d-4e5f-8a9b-1c2d3e4f5a6b",
        evaluationPeriods: 2,
      },
    },
    {
      name: "shop-canary",
      region: "ap-southeast-1",
      create: {
        kind: "metric",
        namespace: "Shop/Canary",
        metricName: "CheckoutSucceeded",
        statistic: "Minimum",
        comparison: "LessThanThreshold",
        threshold: 1,
        periodSeconds: 10,
        evaluationPeriods: 3,
      },
    },
    { name: "shop-tokyo-5xx", region: "ap-northeast-1" },
  ];
});

describe("when each trigger alarm fires after the active region fails", () => {
  it("adds a health-check alarm's minutes of HealthCheckStatus to Route 53's own time to call the endpoint unhealthy", () => {
    const schedule = alarmSchedule(plan, DEFAULT_LATENCIES);

    // Route 53: 30 s x 3 failed checks; then 2 one-minute periods; then CloudWatch's evaluation, 30 s.
    expect(schedule.map((detection) => [detection.alarm.name, detection.ms / 1000])).toEqual([
      ["shop-canary", 35],
      ["shop-tokyo-5xx", 90],
      ["shop-tokyo-health-check", 240],
    ]);
  });

  it("shortens a high-resolution alarm's evaluation with its period, and follows a replayed latency table", () => {
    const slower = { ...DEFAULT_LATENCIES, alarmEvaluation: 60_000 };

    // 3 x 10 s, then a sixth of the 60 s a standard alarm's evaluation takes.
    expect(alarmSchedule(plan, slower)[0]?.ms).toBe(40_000);
  });

  it("counts only the alarms that can arrive: those of a dark region are lost with it", () => {
    const withoutCanary = testPlan((input) => {
      input.triggers.alarms = [
        { name: "shop-tokyo-5xx", region: "ap-northeast-1" },
        {
          name: "shop-tokyo-health-check",
          region: "us-east-1",
          create: {
            kind: "health-check",
            healthCheckId: "0f6c1a2e-7b3d-4e5f-8a9b-1c2d3e4f5a6b",
            evaluationPeriods: 2,
          },
        },
      ];
    });

    expect(firstDetection(withoutCanary, DEFAULT_LATENCIES)?.alarm.name).toBe("shop-tokyo-5xx");
    expect(firstDetection(withoutCanary, DEFAULT_LATENCIES, "ap-northeast-1")?.alarm.name).toBe(
      "shop-tokyo-health-check",
    );
  });
});
