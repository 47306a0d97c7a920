import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import { buildEstate } from "../../sandbox/build-estate.js";
import { runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario } from "../../sandbox/drill/scenarios.js";
import { sandboxClients } from "../../sandbox/sandbox-clients.js";
import { type SandboxControlPlane, startSandboxControlPlane } from "../../sandbox/sandbox-control-plane.js";
import { gatedTestPlan } from "../support/plan-fixtures.js";

const plan = gatedTestPlan();
let controlPlane: SandboxControlPlane | undefined;

afterEach(async () => {
  await controlPlane?.stop();
  controlPlane = undefined;
});

describe("failback by hand", () => {
  it("returns writer, traffic and nodegroup sizes to where they were before the failover", async () => {
    const scenario = findScenario("region-outage");
    if (!scenario) throw new Error("scenario missing");

    const result = await runDrill({ plan, scenario, failback: true });

    expect(result.workflows.map((workflow) => [workflow.kind, workflow.status, workflow.mode])).toEqual([
      ["failover", "succeeded", "failover"],
      ["failback", "succeeded", "switchover"],
    ]);
    expect(result.final).toEqual({
      writerRegion: "ap-northeast-1",
      trafficRegion: "ap-northeast-1",
      nodegroups: {
        "ap-northeast-1/shop-tokyo/web": 6,
        "ap-northeast-1/shop-tokyo/worker": 3,
        "ap-southeast-1/shop-singapore/web": 2,
        "ap-southeast-1/shop-singapore/worker": 1,
      },
    });
    expect(result.workflows[1]?.steps.map((step) => step.name)).toEqual([
      "Accept request",
      "Pre-checks",
      "Scale up nodegroups",
      "Switch over database",
      "Switch traffic",
      "Verify recovery",
      "Scale down nodegroups",
      "Record outcome",
    ]);
    expect(result.mutations.FailoverGlobalCluster).toBe(1);
    expect(result.mutations.SwitchoverGlobalCluster).toBe(1);
    // The gates moved inside the switchover's window with no writer: no one wrote to a read-only database.
    expect(result.traffic.nonWriterSeconds).toBe(0);
    expect(result.ok).toBe(true);
  });

  it.each([
    [{ plan: "shop" }, /reason/],
    [{ plan: "no-such-plan", reason: "x" }, /no plan named "no-such-plan"/],
    [{ plan: "shop", reason: "x", extra: true }, /Unrecognized key/],
    [{ plan: "shop", reason: "back home" }, /already home/],
  ])("refuses console input %j at once, changing nothing, and audits why", async (input, reason) => {
    const built = buildEstate([plan]);
    controlPlane = await startSandboxControlPlane(built, [plan]);
    const operator = sandboxClients(
      built.estate,
      controlPlane.region,
      "arn:aws:iam::111122223333:user/oncall",
    );

    await operator.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: controlPlane.stateMachineArns(plan.name).failback,
        name: "by-hand",
        input: JSON.stringify(input),
      }),
    );
    await built.models.sfn.settled();

    expect(built.models.sfn.all().map((execution) => [execution.status, execution.error])).toEqual([
      ["FAILED", "RequestRejected"],
    ]);
    expect(built.estate.calls.filter((call) => call.mutating).map((call) => call.operation)).toEqual([
      "StartExecution",
    ]);
    const records = [...(await controlPlane.audit.chain("shop")), ...(await controlPlane.audit.chain("-"))];
    expect(records).toEqual([
      expect.objectContaining({
        action: "failback.rejected",
        error: expect.objectContaining({ message: expect.stringMatching(reason) }),
      }),
    ]);
  });
});
