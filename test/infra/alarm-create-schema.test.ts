import { describe, expect, it } from "vitest";
import type { LegacyPlanInput as PlanInput } from "../../core/plan/schema.js";
import { validatePlan } from "../../core/plan/validate-plan.js";
import { testPlanInput } from "../support/plan-fixtures.js";

function withAlarm(alarm: Record<string, unknown>) {
  const input = testPlanInput();
  input.triggers.alarms = [alarm as PlanInput["triggers"]["alarms"][number]];
  return validatePlan(input);
}

describe("triggers.alarms[].create: alarms kirikae creates", () => {
  it("is optional: an alarm the plan only names is left to its owner", () => {
    const result = withAlarm({ name: "owned-elsewhere", region: "ap-northeast-1" });

    expect(result.ok && result.plan.triggers.alarms[0]?.create).toBeUndefined();
  });

  it("creates a health-check alarm in us-east-1, failing after two bad minutes unless told otherwise", () => {
    const result = withAlarm({
      name: "shop-health",
      region: "us-east-1",
      create: { kind: "health-check", healthCheckId: "0f6c1a2e-7b3d-4e5f-8a9b-1c2d3e4f5a6b" },
    });

    expect(result.ok && result.plan.triggers.alarms[0]?.create).toEqual({
      kind: "health-check",
      healthCheckId: "0f6c1a2e-7b3d-4e5f-8a9b-1c2d3e4f5a6b",
      evaluationPeriods: 2,
    });
  });

  it("refuses a health-check alarm outside us-east-1, where Route 53 publishes no metric, naming the field", () => {
    const result = withAlarm({
      name: "shop-health",
      region: "ap-northeast-1",
      create: { kind: "health-check", healthCheckId: "0f6c1a2e-7b3d-4e5f-8a9b-1c2d3e4f5a6b" },
    });

    expect(result.ok ? [] : result.issues).toEqual([
      expect.objectContaining({
        path: "triggers.alarms[0].region",
        message: expect.stringMatching(/us-east-1/),
      }),
    ]);
  });

  it("creates a metric alarm from its namespace, metric, statistic and threshold, and checks the period", () => {
    const metric = {
      kind: "metric",
      namespace: "AWS/ApplicationELB",
      metricName: "HTTPCode_ELB_5XX_Count",
      dimensions: { LoadBalancer: "app/shop/123" },
      statistic: "Sum",
      comparison: "GreaterThanThreshold",
      threshold: 50,
      periodSeconds: 60,
    };

    const accepted = withAlarm({ name: "shop-5xx", region: "ap-northeast-1", create: metric });
    const badPeriod = withAlarm({
      name: "shop-5xx",
      region: "ap-northeast-1",
      create: { ...metric, periodSeconds: 45 },
    });

    expect(accepted.ok && accepted.plan.triggers.alarms[0]?.create).toEqual({
      ...metric,
      evaluationPeriods: 1,
    });
    expect(badPeriod.ok ? [] : badPeriod.issues.map((issue) => issue.path)).toEqual([
      "triggers.alarms[0].create.periodSeconds",
    ]);
  });
});
