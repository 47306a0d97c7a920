import { describe, expect, it } from "vitest";
import { incidentReport } from "../../core/audit/incident-report.js";
import type { AuditRecord } from "../../core/ports/audit.js";
import { outageStart } from "../../core/report/outage-start.js";
import type { RecordedRequest } from "../../core/report/run-facts.js";
import { testPlan } from "../support/plan-fixtures.js";

const alarmRequest = (trigger: Partial<RecordedRequest["trigger"]> = {}): RecordedRequest => ({
  kind: "failover",
  sourceRegion: "ap-northeast-1",
  targetRegion: "ap-southeast-1",
  trigger: {
    type: "alarm",
    alarmName: "shop-tokyo-health",
    alarmRegion: "us-east-1",
    detectedAt: "2026-01-01T00:10:00.000Z",
    ...trigger,
  },
});

const withAlarm = (create: unknown) =>
  testPlan((input) => {
    input.triggers.alarms = [{ name: "shop-tokyo-health", region: "us-east-1", create } as never];
  });

describe("the outage's estimated start", () => {
  it("is the alarm's evaluation window before its state change, for a health-check alarm the plan creates", () => {
    const plan = withAlarm({
      kind: "health-check",
      healthCheckId: "11111111-1111-4111-8111-111111111111",
      evaluationPeriods: 3,
    });

    expect(outageStart(plan, alarmRequest())).toMatchObject({
      kind: "estimated",
      at: "2026-01-01T00:07:00.000Z",
      detectedAt: "2026-01-01T00:10:00.000Z",
      window: { periodSeconds: 60, evaluationPeriods: 3, source: "plan" },
    });
  });

  it("uses a metric alarm's own period and evaluation periods", () => {
    const plan = withAlarm({
      kind: "metric",
      namespace: "AWS/ApplicationELB",
      metricName: "HTTPCode_Target_5XX_Count",
      statistic: "Sum",
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: 10,
      periodSeconds: 30,
      evaluationPeriods: 4,
    });

    expect(outageStart(plan, alarmRequest())).toMatchObject({
      kind: "estimated",
      at: "2026-01-01T00:08:00.000Z",
    });
  });

  it("prefers the window recorded on the request over the plan's", () => {
    const plan = testPlan();

    const start = outageStart(
      plan,
      alarmRequest({ evaluation: { periodSeconds: 10, evaluationPeriods: 6 } }),
    );

    expect(start).toMatchObject({
      kind: "estimated",
      at: "2026-01-01T00:09:00.000Z",
      window: { source: "request" },
    });
  });

  it("is not estimated for an alarm managed outside the plan, nor for a run started by hand", () => {
    const plan = testPlan();

    expect(outageStart(plan, alarmRequest())).toMatchObject({ kind: "window-unknown" });
    expect(
      outageStart(plan, {
        ...alarmRequest(),
        trigger: { type: "manual", reason: "maintenance", detectedAt: "2026-01-01T00:10:00.000Z" },
      }),
    ).toEqual({ kind: "manual", detectedAt: "2026-01-01T00:10:00.000Z" });
  });

  it("says so in the report when it cannot be estimated, and counts the impact from detection", () => {
    const records: AuditRecord[] = [
      {
        plan: "shop",
        executionId: "arn:exec",
        seq: 1,
        kind: "execution",
        action: "failover.accepted",
        actor: "alarm:us-east-1/shop-tokyo-health",
        at: "2026-01-01T00:10:00.250Z",
        prevHash: "",
        hash: "",
        details: { request: alarmRequest() },
      },
    ];

    const markdown = incidentReport(testPlan(), records, { language: "en", timeZone: "UTC" });

    expect(markdown).toContain(
      "- **Occurred (estimated)**: not estimated: alarm shop-tokyo-health is managed outside the plan, so its evaluation window is unknown",
    );
    expect(markdown).toContain(
      "> The impact time runs from detection, so it is shorter than what users saw.",
    );
    expect(markdown).toContain("- **Detected**: 2026-01-01 00:10:00 UTC+00:00 (the alarm entered ALARM)");
  });
});
