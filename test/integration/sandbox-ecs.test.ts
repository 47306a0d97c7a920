import {
  ClusterNotFoundException,
  DescribeServicesCommand,
  ServiceNotFoundException,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { EcsServices } from "../../adapters/aws/ecs-services.js";
import { AwsCallError, TransientAwsError } from "../../core/workflow/workflow-errors.js";
import { parseFault } from "../../sandbox/faults.js";
import { DEFAULT_LATENCIES } from "../../sandbox/latencies.js";
import { CloudTrailModel } from "../../sandbox/services/cloudtrail-model.js";
import { EcsModel } from "../../sandbox/services/ecs-model.js";
import { ACCOUNT, estateWith, SINGAPORE, TOKYO } from "../support/sandbox-fixtures.js";

const RUNNING_MS = DEFAULT_LATENCIES.ecsTaskRunning;

function estate() {
  let model: EcsModel | undefined;
  const built = estateWith((sandbox) => {
    model = new EcsModel(sandbox);
    return [model, new CloudTrailModel(sandbox, { deliveryDelayMs: 0 })];
  });
  if (!model) throw new Error("no model");
  model.addService(TOKYO, "shop", "api", { desired: 4, running: 4 });
  model.addService(SINGAPORE, "shop", "api", { desired: 1, running: 1 });
  model.addService(SINGAPORE, "shop", "retired", { desired: 0, running: 0, status: "INACTIVE" });
  const provider = {
    forRegion: (region: string) => built.clients(region),
    probe: (region: string) => built.clients(region),
    recoveryCluster: () => {
      throw new Error("not used");
    },
  };
  return { ...built, model, services: new EcsServices(provider) };
}

describe("ECS services adapter against the sandbox, through the real ECS client", () => {
  it("counts new tasks pending at once and running one task start later", async () => {
    const { estate: sandbox, services } = estate();

    const receipt = await services.setDesiredCount(SINGAPORE, "shop", "api", 4);
    const accepted = await services.service(SINGAPORE, "shop", "api");
    sandbox.clock.advance(RUNNING_MS);
    const started = await services.service(SINGAPORE, "shop", "api");

    expect(receipt.requestId).toMatch(/\S/);
    expect(accepted).toEqual({ desiredCount: 4, runningCount: 1, pendingCount: 3, status: "ACTIVE" });
    expect(started).toEqual({ desiredCount: 4, runningCount: 4, pendingCount: 0, status: "ACTIVE" });
  });

  it("reads a service the cluster lacks as undefined, since DescribeServices reports it under failures", async () => {
    const { clients, services } = estate();

    const service = await services.service(SINGAPORE, "shop", "checkout");
    const raw = await clients(SINGAPORE).ecs.send(
      new DescribeServicesCommand({ cluster: "shop", services: ["checkout"] }),
    );

    expect(service).toBeUndefined();
    expect(raw.failures).toEqual([
      { arn: `arn:aws:ecs:${SINGAPORE}:${ACCOUNT}:service/shop/checkout`, reason: "MISSING" },
    ]);
  });

  it("keeps a cluster that does not exist an error: the plan names the wrong cluster", async () => {
    const { clients, services } = estate();

    const read = services.service(SINGAPORE, "shopping", "api");

    await expect(read).rejects.toBeInstanceOf(AwsCallError);
    await expect(read).rejects.toMatchObject({
      awsErrorName: "ClusterNotFoundException",
      resource: `${SINGAPORE}/shopping/api`,
      requestId: expect.stringMatching(/\S/),
    });
    await expect(
      clients(SINGAPORE).ecs.send(new DescribeServicesCommand({ cluster: "shopping", services: ["api"] })),
    ).rejects.toBeInstanceOf(ClusterNotFoundException);
  });

  it("refuses to scale a service that is not ACTIVE, or does not exist, with ECS's exceptions", async () => {
    const { clients, services } = estate();

    await expect(services.setDesiredCount(SINGAPORE, "shop", "retired", 2)).rejects.toMatchObject({
      name: "AwsCallError",
      awsErrorName: "ServiceNotActiveException",
    });
    await expect(
      clients(SINGAPORE).ecs.send(
        new UpdateServiceCommand({ cluster: "shop", service: "gone", desiredCount: 1 }),
      ),
    ).rejects.toBeInstanceOf(ServiceNotFoundException);
  });

  it("stops pending tasks first when the count drops, keeping the running ones", async () => {
    const { estate: sandbox, services } = estate();
    await services.setDesiredCount(SINGAPORE, "shop", "api", 4);
    sandbox.clock.advance(RUNNING_MS / 2);

    await services.setDesiredCount(SINGAPORE, "shop", "api", 2);

    expect(await services.service(SINGAPORE, "shop", "api")).toEqual({
      desiredCount: 2,
      runningCount: 1,
      pendingCount: 1,
      status: "ACTIVE",
    });
  });

  it("never reaches the desired count while the service's tasks fail to start", async () => {
    const { estate: sandbox, model, services } = estate();
    model.setTasksFailing(SINGAPORE, "shop", "api", true);

    await services.setDesiredCount(SINGAPORE, "shop", "api", 4);
    sandbox.clock.advance(10 * RUNNING_MS);

    expect(await services.service(SINGAPORE, "shop", "api")).toMatchObject({
      runningCount: 1,
      pendingCount: 3,
    });
  });

  it("moves the primary deployment's counts without starting a new deployment", async () => {
    const { clients, services } = estate();
    const before = await clients(SINGAPORE).ecs.send(
      new DescribeServicesCommand({ cluster: "shop", services: ["api"] }),
    );

    await services.setDesiredCount(SINGAPORE, "shop", "api", 3);
    const after = await clients(SINGAPORE).ecs.send(
      new DescribeServicesCommand({ cluster: "shop", services: ["api"] }),
    );

    const [deployment] = after.services?.[0]?.deployments ?? [];
    expect(after.services?.[0]?.deployments).toHaveLength(1);
    expect(deployment?.id).toBe(before.services?.[0]?.deployments?.[0]?.id);
    expect(deployment).toMatchObject({ status: "PRIMARY", desiredCount: 3, rolloutState: "IN_PROGRESS" });
  });

  it("turns a region that is down into the transient error the workflow retries", async () => {
    const { estate: sandbox, services } = estate();
    sandbox.addFault({ kind: "region-down", region: SINGAPORE });

    await expect(services.setDesiredCount(SINGAPORE, "shop", "api", 4)).rejects.toBeInstanceOf(
      TransientAwsError,
    );
    expect(await services.service(TOKYO, "shop", "api")).toMatchObject({ runningCount: 4 });
  });

  it("turns ECS's API being down (kirikae drill --fault api-down:ecs:REGION) into the transient error too", async () => {
    const { estate: sandbox, services } = estate();
    sandbox.addFault(parseFault(`api-down:ecs:${SINGAPORE}`));

    await expect(services.service(SINGAPORE, "shop", "api")).rejects.toBeInstanceOf(TransientAwsError);
  });

  it("records UpdateService as a CloudTrail management event of ecs.amazonaws.com", async () => {
    const { estate: sandbox, services } = estate();

    await services.service(SINGAPORE, "shop", "api");
    const receipt = await services.setDesiredCount(SINGAPORE, "shop", "api", 2);

    const events = sandbox.model<CloudTrailModel>("cloudtrail").events(SINGAPORE);
    expect(events.map((event) => [event.EventName, event.EventSource])).toEqual([
      ["UpdateService", "ecs.amazonaws.com"],
    ]);
    expect(JSON.parse(events[0]?.CloudTrailEvent ?? "{}")).toMatchObject({
      requestID: receipt.requestId,
      requestParameters: { cluster: "shop", service: "api", desiredCount: 2 },
    });
  });
});
