import {
  AutoScalingServiceException,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { describe, expect, it } from "vitest";
import { AutoScalingGroups } from "../../adapters/aws/auto-scaling-groups.js";
import { AwsCallError, TransientAwsError } from "../../core/workflow/workflow-errors.js";
import { DEFAULT_LATENCIES } from "../../sandbox/latencies.js";
import { AutoScalingModel } from "../../sandbox/services/autoscaling-model.js";
import { CloudTrailModel } from "../../sandbox/services/cloudtrail-model.js";
import { ACCOUNT, estateWith, OPERATOR, SINGAPORE, TOKYO } from "../support/sandbox-fixtures.js";

const IN_SERVICE_MS = DEFAULT_LATENCIES.asgInstanceInService;

function estate() {
  let model: AutoScalingModel | undefined;
  const built = estateWith((sandbox) => {
    model = new AutoScalingModel(sandbox);
    return [model, new CloudTrailModel(sandbox, { deliveryDelayMs: 0 })];
  });
  if (!model) throw new Error("no model");
  model.addGroup(TOKYO, "web", { min: 6, max: 10, desired: 6, inService: 6 });
  model.addGroup(SINGAPORE, "web", { min: 2, max: 10, desired: 2, inService: 2 });
  const provider = {
    forRegion: (region: string) => built.clients(region),
    probe: (region: string) => built.clients(region),
    recoveryCluster: () => {
      throw new Error("not used");
    },
  };
  return { ...built, model, groups: new AutoScalingGroups(provider) };
}

describe("Auto Scaling groups adapter against the sandbox, through the real Auto Scaling client", () => {
  it("counts only InService instances: a raised capacity is desired at once and in service a launch later", async () => {
    const { estate: sandbox, groups } = estate();

    const receipt = await groups.setCapacity(SINGAPORE, "web", { minSize: 6, desiredCapacity: 6 });
    const accepted = await groups.group(SINGAPORE, "web");
    sandbox.clock.advance(IN_SERVICE_MS);
    const launched = await groups.group(SINGAPORE, "web");

    expect(receipt.requestId).toMatch(/\S/);
    expect(accepted).toEqual({ minSize: 6, maxSize: 10, desiredCapacity: 6, inService: 2 });
    expect(launched).toEqual({ minSize: 6, maxSize: 10, desiredCapacity: 6, inService: 6 });
  });

  it("reads a group the region does not have as undefined, not as an error", async () => {
    const { groups } = estate();

    expect(await groups.group(SINGAPORE, "workers")).toBeUndefined();
    expect(await groups.group(TOKYO, "web")).toMatchObject({ inService: 6 });
  });

  it("refuses a desired capacity above the max with Auto Scaling's ValidationError, named with its request ID", async () => {
    const { groups, model } = estate();

    const attempt = groups.setCapacity(SINGAPORE, "web", { minSize: 2, desiredCapacity: 12 });

    await expect(attempt).rejects.toBeInstanceOf(AwsCallError);
    await expect(attempt).rejects.toMatchObject({
      awsErrorName: "ValidationError",
      resource: `${SINGAPORE}/web`,
      requestId: expect.stringMatching(/\S/),
      message: expect.stringContaining(
        "Desired capacity:12 must be between the specified min size:2 and max size:10",
      ),
    });
    expect(model.group(SINGAPORE, "web")).toMatchObject({ desiredCapacity: 2, inService: 2, pending: 0 });
  });

  it("raises the desired capacity to a new MinSize given alone, as UpdateAutoScalingGroup documents", async () => {
    const { clients, model } = estate();

    await clients(SINGAPORE).autoscaling.send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "web", MinSize: 4 }),
    );

    expect(model.group(SINGAPORE, "web")).toMatchObject({ minSize: 4, desiredCapacity: 4, pending: 2 });
  });

  it("answers an unknown group's update with Auto Scaling's own words", async () => {
    const { clients } = estate();

    const attempt = clients(SINGAPORE).autoscaling.send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "nope", DesiredCapacity: 1 }),
    );

    await expect(attempt).rejects.toBeInstanceOf(AutoScalingServiceException);
    await expect(attempt).rejects.toMatchObject({
      name: "ValidationError",
      message: "AutoScalingGroup name not found - null",
    });
  });

  it("takes Pending instances away first when the capacity drops, and keeps the InService ones", async () => {
    const { estate: sandbox, groups, model } = estate();
    await groups.setCapacity(SINGAPORE, "web", { minSize: 5, desiredCapacity: 5 });
    sandbox.clock.advance(IN_SERVICE_MS / 2);

    await groups.setCapacity(SINGAPORE, "web", { minSize: 3, desiredCapacity: 3 });

    expect(model.group(SINGAPORE, "web")).toMatchObject({ desiredCapacity: 3, inService: 2, pending: 1 });
  });

  it("keeps instances Pending while launches are stuck, so the capacity never arrives", async () => {
    const { estate: sandbox, groups, model } = estate();
    model.setLaunchesStuck(SINGAPORE, "web", true);

    await groups.setCapacity(SINGAPORE, "web", { minSize: 6, desiredCapacity: 6 });
    sandbox.clock.advance(10 * IN_SERVICE_MS);

    expect(await groups.group(SINGAPORE, "web")).toMatchObject({ desiredCapacity: 6, inService: 2 });
  });

  it("reports each instance's lifecycle state and the group's ARN as DescribeAutoScalingGroups does", async () => {
    const { clients, groups } = estate();
    await groups.setCapacity(SINGAPORE, "web", { minSize: 3, desiredCapacity: 3 });

    const { AutoScalingGroups } = await clients(SINGAPORE).autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["web"] }),
    );

    const [group] = AutoScalingGroups ?? [];
    expect(group?.AutoScalingGroupARN).toMatch(
      new RegExp(
        `^arn:aws:autoscaling:${SINGAPORE}:${ACCOUNT}:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName/web$`,
      ),
    );
    expect(group?.Instances?.map((instance) => instance.LifecycleState).sort()).toEqual([
      "InService",
      "InService",
      "Pending",
    ]);
  });

  it("turns a region that is down into the transient error the workflow retries", async () => {
    const { estate: sandbox, groups } = estate();
    sandbox.addFault({ kind: "region-down", region: SINGAPORE });

    await expect(groups.group(SINGAPORE, "web")).rejects.toBeInstanceOf(TransientAwsError);
  });

  it("turns Auto Scaling's API being down in one region into the transient error, the other region unaffected", async () => {
    const { estate: sandbox, groups } = estate();
    sandbox.addFault({ kind: "api-down", service: "autoscaling", region: SINGAPORE });

    await expect(
      groups.setCapacity(SINGAPORE, "web", { minSize: 3, desiredCapacity: 3 }),
    ).rejects.toBeInstanceOf(TransientAwsError);
    expect(await groups.group(TOKYO, "web")).toMatchObject({ inService: 6 });
  });

  it("retries Auto Scaling's Throttling as the SDK's standard strategy does, then succeeds", async () => {
    const { estate: sandbox, groups } = estate();
    sandbox.addFault({ kind: "fail", operation: "UpdateAutoScalingGroup", times: 2, error: "Throttling" });

    await groups.setCapacity(SINGAPORE, "web", { minSize: 3, desiredCapacity: 3 });

    expect(
      sandbox.calls
        .filter((call) => call.operation === "UpdateAutoScalingGroup")
        .map((call) => call.error ?? "ok"),
    ).toEqual(["Throttling", "Throttling", "ok"]);
  });

  it("records each capacity change as a CloudTrail management event of autoscaling.amazonaws.com, reads not", async () => {
    const { estate: sandbox, groups } = estate();
    const trail = sandbox.model<CloudTrailModel>("cloudtrail");

    await groups.group(SINGAPORE, "web");
    const receipt = await groups.setCapacity(SINGAPORE, "web", { minSize: 3, desiredCapacity: 3 });

    const events = trail.events(SINGAPORE);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      EventName: "UpdateAutoScalingGroup",
      EventSource: "autoscaling.amazonaws.com",
      Resources: [{ ResourceType: "AWS::AutoScaling::AutoScalingGroup", ResourceName: "web" }],
    });
    expect(JSON.parse(events[0]?.CloudTrailEvent ?? "{}")).toMatchObject({
      requestID: receipt.requestId,
      userIdentity: { arn: OPERATOR },
      requestParameters: { autoScalingGroupName: "web", minSize: 3, desiredCapacity: 3 },
    });
  });
});
