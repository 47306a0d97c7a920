import {
  DescribeNodegroupCommand,
  InvalidParameterException,
  ResourceInUseException,
  UpdateNodegroupConfigCommand,
} from "@aws-sdk/client-eks";
import { describe, expect, it } from "vitest";
import { EksModel } from "../../sandbox/services/eks-model.js";
import { ACCOUNT, estateWith, SINGAPORE, TOKYO } from "../support/sandbox-fixtures.js";

function cluster() {
  let model: EksModel | undefined;
  const sandbox = estateWith((estate) => {
    model = new EksModel(
      estate,
      {
        clusters: [
          {
            name: "shop-singapore",
            region: SINGAPORE,
            accountId: ACCOUNT,
            nodegroups: [{ name: "web", minSize: 2, maxSize: 10, desiredSize: 2 }],
          },
          {
            name: "shop-tokyo",
            region: TOKYO,
            accountId: ACCOUNT,
            nodegroups: [{ name: "web", minSize: 6, maxSize: 10, desiredSize: 6 }],
          },
        ],
      },
      { scaleBaseMs: 120_000, scalePerNodeMs: 15_000 },
    );
    return [model];
  });
  return { ...sandbox, model: model as EksModel, eks: sandbox.clients(SINGAPORE).eks };
}

const web = { clusterName: "shop-singapore", nodegroupName: "web" };

describe("sandbox EKS, through the real EKS client", () => {
  it("rejects a desired size above the max with EKS's InvalidParameterException and changes nothing", async () => {
    const { eks } = cluster();

    const attempt = eks.send(
      new UpdateNodegroupConfigCommand({ ...web, scalingConfig: { desiredSize: 12 } }),
    );

    await expect(attempt).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(attempt).rejects.toThrow("Desired capacity can't be greater than max size");
    const { nodegroup } = await eks.send(new DescribeNodegroupCommand(web));
    expect(nodegroup?.scalingConfig).toEqual({ minSize: 2, maxSize: 10, desiredSize: 2 });
    expect(nodegroup?.status).toBe("ACTIVE");
  });

  it("is UPDATING until the new nodes have joined, then ACTIVE at the new size", async () => {
    const { estate, model, eks } = cluster();

    await eks.send(
      new UpdateNodegroupConfigCommand({ ...web, scalingConfig: { minSize: 6, desiredSize: 6 } }),
    );
    const updating = await eks.send(new DescribeNodegroupCommand(web));
    const joinedWhileUpdating = model.readyNodes(SINGAPORE, "shop-singapore", "web");
    estate.clock.advance(120_000 + 4 * 15_000);
    const active = await eks.send(new DescribeNodegroupCommand(web));

    expect(updating.nodegroup?.status).toBe("UPDATING");
    expect(joinedWhileUpdating).toBe(2);
    expect(active.nodegroup?.status).toBe("ACTIVE");
    expect(model.readyNodes(SINGAPORE, "shop-singapore", "web")).toBe(6);
  });

  it("refuses a second update while one is in progress with ResourceInUseException", async () => {
    const { eks } = cluster();
    await eks.send(new UpdateNodegroupConfigCommand({ ...web, scalingConfig: { desiredSize: 4 } }));

    await expect(
      eks.send(new UpdateNodegroupConfigCommand({ ...web, scalingConfig: { desiredSize: 5 } })),
    ).rejects.toBeInstanceOf(ResourceInUseException);
  });

  it("sees only the clusters of the region it is called in", async () => {
    const { clients } = cluster();

    await expect(clients(TOKYO).eks.send(new DescribeNodegroupCommand(web))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
  });
});
