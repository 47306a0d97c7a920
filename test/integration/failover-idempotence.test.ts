import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { buildEstate } from "../../sandbox/build-estate.js";
import { sandboxClients } from "../../sandbox/sandbox-clients.js";
import { type SandboxControlPlane, startSandboxControlPlane } from "../../sandbox/sandbox-control-plane.js";
import { testPlan } from "../support/plan-fixtures.js";

const plan = testPlan();
let controlPlane: SandboxControlPlane | undefined;

afterEach(async () => {
  await controlPlane?.stop();
  controlPlane = undefined;
});

async function failedOverEstate() {
  const built = buildEstate([plan]);
  controlPlane = await startSandboxControlPlane(built, [plan]);
  const operator = sandboxClients(built.estate, controlPlane.region, "arn:aws:iam::111122223333:user/oncall");
  const start = async (name: string) => {
    await operator.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: controlPlane?.stateMachineArns(plan.name).failover,
        name,
        input: JSON.stringify({ plan: plan.name, reason: "game day" }),
      }),
    );
    await built.models.sfn.settled();
  };
  await start("first-run");
  const mutationCount = () => built.estate.calls.filter((call) => call.mutating && !call.error).length;
  return { built, controlPlane, start, mutationsAfterFirst: mutationCount(), mutationCount };
}

describe("re-running a finished failover", () => {
  it("is refused at once, changing nothing, because the plan already runs in the target region", async () => {
    const { built, start, mutationsAfterFirst, mutationCount } = await failedOverEstate();

    await start("second-run");

    expect(built.models.sfn.all().map((execution) => [execution.status, execution.error])).toEqual([
      ["SUCCEEDED", undefined],
      ["FAILED", "RequestRejected"],
    ]);
    expect(mutationCount()).toBe(mutationsAfterFirst + 1);
  });

  it("changes nothing even when it gets past acceptance (the state record was lost): every step reads first", async () => {
    const { built, controlPlane, start, mutationsAfterFirst } = await failedOverEstate();
    await controlPlane.dynamo.client.send(
      new DeleteCommand({
        TableName: controlPlane.dynamo.tableNames.state,
        Key: { pk: `plan#${plan.name}`, sk: "state" },
      }),
    );

    await start("second-run");

    const secondRun = built.estate.calls
      .filter((call) => call.mutating && !call.error)
      .slice(mutationsAfterFirst)
      .map((call) => call.operation);
    expect(built.models.sfn.all().map((execution) => execution.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect(secondRun).toEqual(["StartExecution"]);
    expect(built.models.rds.writerOf(plan.database.globalClusterIdentifier)?.region).toBe("ap-southeast-1");
  });
});
