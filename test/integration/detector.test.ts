import { afterEach, describe, expect, it } from "vitest";
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

  it("asks a person instead of failing over when the plan requires approval; the person's start is the failover", async () => {
    const approvalPlan = testPlan((input) => {
      input.triggers.mode = "approval";
    });
    const scenario = findScenario("region-outage");
    if (!scenario) throw new Error("scenario missing");

    const result = await runDrill({ plan: approvalPlan, scenario });

    expect(result.detector).toEqual({
      "ignored: the plan requires approval: a person starts the failover after review": 1,
    });
    expect(result.notifications[0]).toBe("kirikae: shop failover needs approval");
    expect(result.workflows.map((workflow) => [workflow.kind, workflow.status])).toEqual([
      ["failover", "succeeded"],
    ]);
    expect(Object.values(result.audit.initiators)).toEqual([
      "arn:aws:iam::111122223333:user/oncall-engineer",
    ]);
  });
});
