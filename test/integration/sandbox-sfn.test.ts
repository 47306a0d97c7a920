import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import { type BuiltEstate, buildEstate } from "../../sandbox/build-estate.js";
import {
  clientProvider,
  type SandboxControlPlane,
  startSandboxControlPlane,
} from "../../sandbox/sandbox-control-plane.js";
import { testPlan } from "../support/plan-fixtures.js";

const plan = testPlan();
const ONCALL = "arn:aws:iam::111122223333:user/oncall-engineer";
let built: BuiltEstate | undefined;
let controlPlane: SandboxControlPlane | undefined;

afterEach(async () => {
  await built?.models.sfn.settled();
  await controlPlane?.stop();
  built = undefined;
  controlPlane = undefined;
});

async function start(name: string, input: unknown) {
  if (!built || !controlPlane) throw new Error("no sandbox");
  return clientProvider(built.estate, ONCALL)
    .forRegion(controlPlane.region)
    .get(SFNClient)
    .send(
      new StartExecutionCommand({
        stateMachineArn: controlPlane.stateMachineArns(plan.name).failover,
        name,
        input: JSON.stringify(input),
      }),
    );
}

const maintenance = { plan: "shop", reason: "planned: Tokyo maintenance" };

describe("Step Functions StartExecution in the sandbox, as AWS documents it for Standard workflows", () => {
  it("returns the running execution for a repeated start with the same name and input, starting no other", async () => {
    built = buildEstate([plan]);
    controlPlane = await startSandboxControlPlane(built, [plan]);

    const first = await start("maintenance-1", maintenance);
    const again = await start("maintenance-1", maintenance);

    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);
    expect(built.models.sfn.all()).toHaveLength(1);
  });

  it("refuses the name with other input while it runs, and with any input once it has closed", async () => {
    built = buildEstate([plan]);
    controlPlane = await startSandboxControlPlane(built, [plan]);
    await start("maintenance-1", maintenance);

    const otherInput = await start("maintenance-1", { ...maintenance, ticket: "CHG-1" }).catch((e) => e);
    await built.models.sfn.settled();
    const afterClose = await start("maintenance-1", maintenance).catch((e) => e);

    expect(otherInput).toBeInstanceOf(ExecutionAlreadyExists);
    expect(afterClose).toBeInstanceOf(ExecutionAlreadyExists);
    expect(built.models.sfn.all()).toHaveLength(1);
  });
});
