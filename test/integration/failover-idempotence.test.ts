import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { buildEstate } from "../../sandbox/build-estate.js";
import { sandboxClients } from "../../sandbox/sandbox-clients.js";
import { startSandboxControlPlane } from "../../sandbox/sandbox-control-plane.js";
import { testPlan } from "../support/plan-fixtures.js";

const plan = testPlan();

describe("re-running a finished failover", () => {
  it("changes nothing: every step reads the estate first and finds it done", async () => {
    const built = buildEstate([plan]);
    const controlPlane = await startSandboxControlPlane(built, [plan]);
    const operator = sandboxClients(
      built.estate,
      controlPlane.region,
      "arn:aws:iam::111122223333:user/oncall",
    );
    const request = {
      plan: plan.name,
      kind: "failover",
      sourceRegion: "ap-northeast-1",
      targetRegion: "ap-southeast-1",
      trigger: { type: "manual", reason: "game day", detectedAt: built.estate.clock.now().toISOString() },
    };
    const start = (name: string) =>
      operator.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: controlPlane.stateMachineArns.failover,
          name,
          input: JSON.stringify(request),
        }),
      );
    try {
      await start("first-run");
      await built.models.sfn.settled();
      const mutationsAfterFirst = built.estate.calls.filter((call) => call.mutating && !call.error).length;

      await start("second-run");
      await built.models.sfn.settled();
      const secondRunMutations = built.estate.calls
        .filter((call) => call.mutating && !call.error)
        .slice(mutationsAfterFirst)
        .map((call) => call.operation);

      expect(built.models.sfn.all().map((execution) => execution.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
      expect(secondRunMutations).toEqual(["StartExecution"]);
      expect(built.models.rds.writerOf(plan.database.globalClusterIdentifier)?.region).toBe("ap-southeast-1");
    } finally {
      await controlPlane.stop();
    }
  });
});
