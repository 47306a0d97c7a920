import { afterEach, describe, expect, it } from "vitest";
import { reportPhases } from "../../core/audit/incident-report-model.js";
import type { AuditRecord } from "../../core/ports/audit.js";
import { buildEstate } from "../../sandbox/build-estate.js";
import { runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario } from "../../sandbox/drill/scenarios.js";
import { type SandboxControlPlane, startSandboxControlPlane } from "../../sandbox/sandbox-control-plane.js";
import { testPlan } from "../support/plan-fixtures.js";

const plan = testPlan();
let controlPlane: SandboxControlPlane | undefined;

afterEach(async () => {
  await controlPlane?.stop();
  controlPlane = undefined;
});

async function sandbox() {
  const built = buildEstate([plan]);
  controlPlane = await startSandboxControlPlane(built, [plan]);
  return { built, controlPlane };
}

describe("detector Lambda", () => {
  it("rejects a malformed event with a clear reason, audits it, and starts nothing", async () => {
    const { built, controlPlane } = await sandbox();

    const result = await controlPlane.deliver({
      "detail-type": "CloudWatch Alarm State Change",
      detail: { alarmName: 42 },
    });

    expect(result).toMatchObject({
      decision: "rejected",
      reason: expect.stringContaining("not a CloudWatch Alarm State Change event"),
    });
    const records = await controlPlane.audit.chain("-");
    expect(records).toEqual([expect.objectContaining({ action: "event.rejected", outcome: "ignored" })]);
    expect(built.models.sfn.all()).toEqual([]);
    expect(built.estate.calls.filter((call) => call.mutating)).toEqual([]);
  });

  it("ignores, and audits, an alarm that no plan names", async () => {
    const { built, controlPlane } = await sandbox();

    const result = await controlPlane.deliver({
      version: "0",
      id: "1",
      "detail-type": "CloudWatch Alarm State Change",
      source: "aws.cloudwatch",
      account: "111122223333",
      time: "2026-01-01T00:00:00Z",
      region: "us-east-1",
      resources: [],
      detail: {
        alarmName: "someone-elses-alarm",
        state: { value: "ALARM", timestamp: "2026-01-01T00:00:00Z" },
      },
    });

    expect(result).toMatchObject({ decision: "ignored", reason: expect.stringContaining("not in any plan") });
    expect(await controlPlane.audit.chain("-")).toEqual([
      expect.objectContaining({ action: "alarm.ignored" }),
    ]);
    expect(built.models.sfn.all()).toEqual([]);
  });

  it("pauses an approval-mode failover after its pre-checks until a person approves, and records who did", async () => {
    const approvalPlan = testPlan((input) => {
      input.triggers.mode = "approval";
    });
    const scenario = findScenario("region-outage");
    if (!scenario) throw new Error("scenario missing");

    let chain: AuditRecord[] = [];
    const result = await runDrill({
      plan: approvalPlan,
      scenario,
      failback: false,
      afterwards: async ({ controlPlane }) => {
        chain = await controlPlane.audit.chain("shop");
      },
    });

    expect(result.notifications).toContain("kirikae: shop failover waits for approval");
    const [failover] = result.workflows;
    expect(failover?.status).toBe("succeeded");
    const steps = failover?.steps.map((step) => step.name) ?? [];
    expect(steps.indexOf("Await approval")).toBeGreaterThan(steps.indexOf("Pre-checks"));
    expect(steps.indexOf("Promote database")).toBeGreaterThan(steps.indexOf("Await approval"));
    const approval = chain.find((record) => record.action === "failover.approved");
    expect(approval?.actor).toBe("arn:aws:iam::111122223333:user/oncall-engineer");
    // The resume call is witnessed by CloudTrail under the approver's identity.
    const resume = chain.find(
      (record) => record.action === "states:SendTaskSuccess" && record.kind === "outcome",
    );
    const evidence = chain.find(
      (record) => record.kind === "evidence" && record.requestId === resume?.requestId,
    );
    expect(evidence?.details).toMatchObject({
      userIdentity: "arn:aws:iam::111122223333:user/oncall-engineer",
    });
    expect(result.audit.verified).toBe(true);
    // The incident report shows the wait for a person as its own phase, between pre-checks and promotion.
    const phases = reportPhases(
      chain.filter((record) => record.executionId === approval?.executionId),
      result.startedAt,
    ).map((phase) => phase.name);
    expect(phases.slice(0, 4)).toEqual(["detection", "precheck", "approval", "promotion"]);
  });
});
