import {
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  DescribeUpdateCommand,
  InvalidParameterException,
  ListNodegroupsCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateNodegroupConfigCommand,
} from "@aws-sdk/client-eks";
import { describe, expect, it } from "vitest";
import { SandboxEstate } from "../../sandbox/estate.js";
import { sandboxClients } from "../../sandbox/sandbox-clients.js";
import { EksModel } from "../../sandbox/services/eks-model.js";
import { KubernetesModel } from "../../sandbox/services/kubernetes-model.js";

const TOKYO = "ap-northeast-1";
const SINGAPORE = "ap-southeast-1";
const ACCOUNT = "111122223333";
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:role/kirikae-test`;
const SCALE_BASE_MS = 120_000;
const SCALE_PER_NODE_MS = 15_000;
const SCALE_DOWN_MS = 60_000;
const ASG_UPDATE_MS = 20_000;

function estate() {
  const sandbox = new SandboxEstate();
  const kubernetes = new KubernetesModel(sandbox.clock, {
    clusters: [
      {
        region: SINGAPORE,
        name: "shop-singapore",
        nodegroups: [
          { name: "web", nodes: 2 },
          { name: "workers", nodes: 1 },
          { name: "system", nodes: 2 },
          { name: "ingress", nodes: 1 },
        ],
        deployments: [],
      },
      { region: TOKYO, name: "shop-tokyo", nodegroups: [{ name: "web", nodes: 6 }], deployments: [] },
    ],
  });
  const model = new EksModel(
    sandbox,
    {
      clusters: [
        {
          name: "shop-singapore",
          region: SINGAPORE,
          accountId: ACCOUNT,
          nodegroups: [
            { name: "web", minSize: 2, maxSize: 10, desiredSize: 2 },
            { name: "workers", minSize: 1, maxSize: 4, desiredSize: 1 },
            { name: "batch", minSize: 0, maxSize: 4, desiredSize: 0 },
            { name: "system", minSize: 2, maxSize: 3, desiredSize: 2 },
            { name: "ingress", minSize: 1, maxSize: 3, desiredSize: 1 },
          ],
        },
        {
          name: "shop-tokyo",
          region: TOKYO,
          accountId: ACCOUNT,
          nodegroups: [{ name: "web", minSize: 6, maxSize: 10, desiredSize: 6 }],
        },
      ],
    },
    {
      asgUpdateMs: ASG_UPDATE_MS,
      scaleBaseMs: SCALE_BASE_MS,
      scalePerNodeMs: SCALE_PER_NODE_MS,
      scaleDownMs: SCALE_DOWN_MS,
    },
    kubernetes,
  );
  sandbox.register(model);
  return {
    estate: sandbox,
    model,
    eks: sandboxClients(sandbox, SINGAPORE, PRINCIPAL).eks,
    tokyoEks: sandboxClients(sandbox, TOKYO, PRINCIPAL).eks,
  };
}

const web = { clusterName: "shop-singapore", nodegroupName: "web" };

describe("sandbox EKS, through the real EKS client", () => {
  it("rejects a desired size above the max with EKS's InvalidParameterException and changes nothing", async () => {
    const { estate: sandbox, model, eks } = estate();

    const attempt = eks.send(
      new UpdateNodegroupConfigCommand({ ...web, scalingConfig: { desiredSize: 12 } }),
    );

    await expect(attempt).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(attempt).rejects.toMatchObject({
      message: "desired capacity 12 can't be greater than max size 10",
      clusterName: "shop-singapore",
      nodegroupName: "web",
      $metadata: { httpStatusCode: 400 },
    });
    const { nodegroup } = await eks.send(new DescribeNodegroupCommand(web));
    expect(nodegroup?.scalingConfig).toEqual({ minSize: 2, maxSize: 10, desiredSize: 2 });
    expect(nodegroup?.status).toBe("ACTIVE");
    expect(model.nodegroup(SINGAPORE, "shop-singapore", "web")).toMatchObject({
      status: "ACTIVE",
      readyNodes: 2,
    });
    expect(sandbox.calls.find((call) => call.operation === "UpdateNodegroupConfig")).toMatchObject({
      mutating: true,
      error: "InvalidParameterException",
    });
  });

  it("validates the requested sizes merged onto the current ones, in EKS's words", async () => {
    const { eks } = estate();
    const update = (scalingConfig: { minSize?: number; maxSize?: number; desiredSize?: number }) =>
      eks.send(new UpdateNodegroupConfigCommand({ ...web, scalingConfig }));

    await expect(update({ minSize: 3 })).rejects.toThrow(
      "Minimum capacity 3 can't be greater than desired size 2",
    );
    await expect(update({ maxSize: 1 })).rejects.toThrow(
      "desired capacity 2 can't be greater than max size 1",
    );
    await expect(update({ maxSize: 0, minSize: 0, desiredSize: 0 })).rejects.toThrow(
      "maxSize must be greater than or equal to 1",
    );
    await expect(update({ minSize: -1 })).rejects.toThrow("minSize must be greater than or equal to 0");
  });

  it("is ACTIVE once the Auto Scaling group is changed, while the new nodes become Ready one by one later", async () => {
    const { estate: sandbox, model, eks } = estate();

    const { update } = await eks.send(
      new UpdateNodegroupConfigCommand({ ...web, scalingConfig: { minSize: 6, desiredSize: 6 } }),
    );
    const updating = await eks.send(new DescribeNodegroupCommand(web));
    sandbox.clock.advance(ASG_UPDATE_MS);
    const active = await eks.send(new DescribeNodegroupCommand(web));
    const readyWhenActive = model.readyNodes(SINGAPORE, "shop-singapore", "web");
    sandbox.clock.advance(SCALE_BASE_MS + SCALE_PER_NODE_MS - ASG_UPDATE_MS);
    const readyAfterFirst = model.readyNodes(SINGAPORE, "shop-singapore", "web");
    sandbox.clock.advance(SCALE_PER_NODE_MS);
    const readyAfterSecond = model.readyNodes(SINGAPORE, "shop-singapore", "web");
    sandbox.clock.advance(2 * SCALE_PER_NODE_MS);

    expect(update).toMatchObject({
      status: "InProgress",
      type: "ConfigUpdate",
      params: [
        { type: "MinSize", value: "6" },
        { type: "DesiredSize", value: "6" },
      ],
      createdAt: expect.any(Date),
    });
    expect(update?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(updating.nodegroup).toMatchObject({
      status: "UPDATING",
      scalingConfig: { minSize: 6, maxSize: 10, desiredSize: 6 },
    });
    expect(active.nodegroup).toMatchObject({ status: "ACTIVE", health: { issues: [] } });
    expect(active.nodegroup?.modifiedAt).toBeInstanceOf(Date);
    expect([readyWhenActive, readyAfterFirst, readyAfterSecond]).toEqual([2, 3, 4]);
    expect(model.readyNodes(SINGAPORE, "shop-singapore", "web")).toBe(6);
  });

  it("lets an autoscaler move desiredSize behind the caller's back, never below minSize nor above maxSize", async () => {
    const { estate: sandbox, model, eks } = estate();

    model.setAutoscaler(SINGAPORE, "shop-singapore", "web", 8);
    const raised = await eks.send(new DescribeNodegroupCommand(web));
    await eks.send(new UpdateNodegroupConfigCommand({ ...web, scalingConfig: { desiredSize: 4 } }));
    sandbox.clock.advance(ASG_UPDATE_MS + 10_000);
    const restored = await eks.send(new DescribeNodegroupCommand(web));
    model.setAutoscaler(SINGAPORE, "shop-singapore", "web", 50);
    const capped = await eks.send(new DescribeNodegroupCommand(web));

    expect(raised.nodegroup?.scalingConfig).toEqual({ minSize: 2, maxSize: 10, desiredSize: 8 });
    expect(restored.nodegroup?.scalingConfig?.desiredSize).toBe(8);
    expect(capped.nodegroup?.scalingConfig?.desiredSize).toBe(10);
  });

  it("reports the update InProgress, then Successful, through DescribeUpdate", async () => {
    const { estate: sandbox, eks } = estate();
    const { update } = await eks.send(
      new UpdateNodegroupConfigCommand({ ...web, scalingConfig: { desiredSize: 3 } }),
    );
    const describe = () =>
      eks.send(
        new DescribeUpdateCommand({ name: "shop-singapore", nodegroupName: "web", updateId: update?.id }),
      );

    const during = await describe();
    sandbox.clock.advance(ASG_UPDATE_MS);
    const after = await describe();

    expect(during.update?.status).toBe("InProgress");
    expect(after.update).toMatchObject({ id: update?.id, status: "Successful", errors: [] });
    await expect(
      eks.send(new DescribeUpdateCommand({ name: "shop-singapore", nodegroupName: "web", updateId: "nope" })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it("takes the scale-down time to remove nodes, which stay Ready until then", async () => {
    const { estate: sandbox, model, tokyoEks } = estate();
    const tokyoWeb = { clusterName: "shop-tokyo", nodegroupName: "web" };

    await tokyoEks.send(
      new UpdateNodegroupConfigCommand({ ...tokyoWeb, scalingConfig: { minSize: 1, desiredSize: 1 } }),
    );
    sandbox.clock.advance(SCALE_DOWN_MS - 1);
    const during = model.nodegroup(TOKYO, "shop-tokyo", "web");
    sandbox.clock.advance(1);

    expect(during).toMatchObject({ status: "ACTIVE", desiredSize: 1, readyNodes: 6 });
    expect(model.nodegroup(TOKYO, "shop-tokyo", "web")).toMatchObject({ status: "ACTIVE", readyNodes: 1 });
  });

  it("refuses a second update while one is in progress with ResourceInUseException, accepts it after", async () => {
    const { estate: sandbox, eks } = estate();
    await eks.send(new UpdateNodegroupConfigCommand({ ...web, scalingConfig: { desiredSize: 4 } }));

    const second = eks.send(new UpdateNodegroupConfigCommand({ ...web, scalingConfig: { desiredSize: 5 } }));

    await expect(second).rejects.toBeInstanceOf(ResourceInUseException);
    await expect(second).rejects.toMatchObject({
      message: "Nodegroup cannot be updated as it is currently not in Active State",
      $metadata: { httpStatusCode: 409 },
    });
    sandbox.clock.advance(SCALE_BASE_MS + 2 * SCALE_PER_NODE_MS);
    const { update } = await eks.send(
      new UpdateNodegroupConfigCommand({ ...web, scalingConfig: { desiredSize: 5 } }),
    );
    expect(update?.status).toBe("InProgress");
  });

  it("returns the same update for a repeated clientRequestToken instead of starting another", async () => {
    const { estate: sandbox, eks } = estate();
    const request = { ...web, scalingConfig: { desiredSize: 4 }, clientRequestToken: "kirikae-scale-web-1" };

    const first = await eks.send(new UpdateNodegroupConfigCommand(request));
    const retried = await eks.send(new UpdateNodegroupConfigCommand(request));
    sandbox.clock.advance(SCALE_BASE_MS + 2 * SCALE_PER_NODE_MS);
    const late = await eks.send(new UpdateNodegroupConfigCommand(request));

    expect(retried.update?.id).toBe(first.update?.id);
    expect(late.update).toMatchObject({ id: first.update?.id, status: "Successful" });
    const { nodegroup } = await eks.send(new DescribeNodegroupCommand(web));
    expect(nodegroup).toMatchObject({ status: "ACTIVE", scalingConfig: { desiredSize: 4 } });
  });

  it("pages ListNodegroups with nextToken, returning every nodegroup once", async () => {
    const { eks } = estate();
    const names: string[] = [];
    const pages: number[] = [];

    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await eks.send(
        new ListNodegroupsCommand({
          clusterName: "shop-singapore",
          maxResults: 2,
          ...(token ? { nextToken: token } : {}),
        }),
      );
      pages.push(page.nodegroups?.length ?? 0);
      names.push(...(page.nodegroups ?? []));
      nextToken = page.nextToken;
    } while (nextToken);

    expect(names.sort()).toEqual(["batch", "ingress", "system", "web", "workers"]);
    expect(pages).toEqual([2, 2, 1]);
    await expect(
      eks.send(new ListNodegroupsCommand({ clusterName: "shop-singapore", maxResults: 101 })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it("describes the region's cluster and sees only the clusters of the region it is called in", async () => {
    const { eks, tokyoEks } = estate();

    const { cluster } = await eks.send(new DescribeClusterCommand({ name: "shop-singapore" }));
    const elsewhere = tokyoEks.send(new DescribeNodegroupCommand(web));

    expect(cluster).toMatchObject({
      name: "shop-singapore",
      arn: `arn:aws:eks:${SINGAPORE}:${ACCOUNT}:cluster/shop-singapore`,
      status: "ACTIVE",
      version: expect.stringMatching(/^1\.\d+$/),
      endpoint: expect.stringMatching(/^https:\/\/[0-9A-F]+\.gr7\.ap-southeast-1\.eks\.amazonaws\.com$/),
      createdAt: expect.any(Date),
    });
    await expect(elsewhere).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(elsewhere).rejects.toThrow("No cluster found for name: shop-singapore.");
  });

  it("times out calls to a region that is down while the other region keeps answering", async () => {
    const { estate: sandbox, eks, tokyoEks } = estate();
    sandbox.addFault({ kind: "region-down", region: TOKYO });
    const started = sandbox.clock.now().getTime();

    const tokyo = tokyoEks.send(new DescribeClusterCommand({ name: "shop-tokyo" }));
    await expect(tokyo).rejects.toMatchObject({ name: "TimeoutError" });
    const waited = sandbox.clock.now().getTime() - started;
    const singapore = await eks.send(new DescribeClusterCommand({ name: "shop-singapore" }));

    // The client's three attempts each hang until the connection times out (120 s each, modelled).
    expect(waited).toBeGreaterThanOrEqual(3 * 120_000);
    expect(singapore.cluster?.status).toBe("ACTIVE");
  });

  it("lets scenarios lower a nodegroup's max, after which scaling past it is refused", async () => {
    const { model, tokyoEks } = estate();

    model.setNodegroupMax(TOKYO, "shop-tokyo", "web", 5);

    expect(model.nodegroup(TOKYO, "shop-tokyo", "web")).toMatchObject({
      minSize: 5,
      maxSize: 5,
      desiredSize: 5,
    });
    await expect(
      tokyoEks.send(
        new UpdateNodegroupConfigCommand({
          clusterName: "shop-tokyo",
          nodegroupName: "web",
          scalingConfig: { minSize: 6, desiredSize: 6 },
        }),
      ),
    ).rejects.toThrow("desired capacity 6 can't be greater than max size 5");
  });
});
