import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  GlobalClusterNotFoundFault,
  InvalidGlobalClusterStateFault,
  SwitchoverGlobalClusterCommand,
} from "@aws-sdk/client-rds";
import { describe, expect, it } from "vitest";
import { RdsModel } from "../../sandbox/services/rds-model.js";
import {
  estateWith,
  SINGAPORE,
  SINGAPORE_CLUSTER,
  TOKYO,
  TOKYO_CLUSTER,
} from "../support/sandbox-fixtures.js";

function globalDatabase() {
  let rds: RdsModel | undefined;
  const sandbox = estateWith((estate) => {
    rds = new RdsModel(
      estate,
      {
        globalClusters: [
          {
            identifier: "shop-global",
            members: [
              { arn: TOKYO_CLUSTER, region: TOKYO, isWriter: true },
              { arn: SINGAPORE_CLUSTER, region: SINGAPORE, isWriter: false, replicationLagMs: 1_200 },
            ],
          },
        ],
      },
      { switchoverMs: 60_000, failoverMs: 40_000 },
    );
    return [rds];
  });
  return { ...sandbox, rds: rds as RdsModel, singapore: sandbox.clients(SINGAPORE).rds };
}

async function writerSeenFrom(client: ReturnType<typeof globalDatabase>["singapore"]) {
  const { GlobalClusters } = await client.send(
    new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: "shop-global" }),
  );
  const global = GlobalClusters?.[0];
  return {
    status: global?.Status,
    writer: global?.GlobalClusterMembers?.find((member) => member.IsWriter)?.DBClusterArn,
  };
}

describe("sandbox RDS global database, through the real RDS client", () => {
  it("switches over with a switching-over state, then the target is writer and the old writer a secondary", async () => {
    const { estate, singapore } = globalDatabase();

    const started = await singapore.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: "shop-global",
        TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
      }),
    );
    const during = await writerSeenFrom(singapore);
    estate.clock.advance(60_000);
    const after = await writerSeenFrom(singapore);

    expect(started.GlobalCluster?.FailoverState).toMatchObject({
      FromDbClusterArn: TOKYO_CLUSTER,
      ToDbClusterArn: SINGAPORE_CLUSTER,
      IsDataLossAllowed: false,
    });
    expect(during).toEqual({ status: "switching-over", writer: TOKYO_CLUSTER });
    expect(after).toEqual({ status: "available", writer: SINGAPORE_CLUSTER });
  });

  it("fails over with AllowDataLoss while the primary's region is down, losing the lag", async () => {
    const { estate, rds, singapore } = globalDatabase();
    estate.addFault({ kind: "region-down", region: TOKYO });

    await singapore.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: "shop-global",
        TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
        AllowDataLoss: true,
      }),
    );
    const during = await writerSeenFrom(singapore);
    estate.clock.advance(40_000);

    expect(during.status).toBe("failing-over");
    expect(await writerSeenFrom(singapore)).toEqual({ status: "available", writer: SINGAPORE_CLUSTER });
    expect(rds.lastFailover("shop-global")).toMatchObject({
      from: TOKYO_CLUSTER,
      to: SINGAPORE_CLUSTER,
      dataLossMs: 1_200,
    });
  });

  it("refuses FailoverGlobalCluster without AllowDataLoss when the primary's region is down (it is a switchover)", async () => {
    const { estate, singapore } = globalDatabase();
    estate.addFault({ kind: "region-down", region: TOKYO });

    const attempt = singapore.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: "shop-global",
        TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
      }),
    );

    await expect(attempt).rejects.toBeInstanceOf(InvalidGlobalClusterStateFault);
    expect(await writerSeenFrom(singapore)).toEqual({ status: "available", writer: TOKYO_CLUSTER });
  });

  it("refuses to promote the cluster that already is the writer, or to start a second promotion", async () => {
    const { singapore } = globalDatabase();

    await expect(
      singapore.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: "shop-global",
          TargetDbClusterIdentifier: TOKYO_CLUSTER,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidGlobalClusterStateFault);
    await singapore.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: "shop-global",
        TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
      }),
    );
    await expect(
      singapore.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: "shop-global",
          TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidGlobalClusterStateFault);
  });

  it("answers GlobalClusterNotFoundFault for an unknown global cluster", async () => {
    const { singapore } = globalDatabase();

    await expect(
      singapore.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: "nope" })),
    ).rejects.toBeInstanceOf(GlobalClusterNotFoundFault);
  });

  it("times out calls to a region that is down while the other region answers", async () => {
    const { estate, clients } = globalDatabase();
    estate.addFault({ kind: "region-down", region: TOKYO });
    const before = estate.clock.now().getTime();

    await expect(clients(TOKYO).rds.send(new DescribeDBClustersCommand({}))).rejects.toMatchObject({
      name: "TimeoutError",
    });
    const tokyoTook = estate.clock.now().getTime() - before;
    const singapore = await clients(SINGAPORE).rds.send(new DescribeDBClustersCommand({}));

    expect(tokyoTook).toBeGreaterThanOrEqual(120_000);
    expect(singapore.DBClusters?.map((cluster) => cluster.DBClusterArn)).toEqual([SINGAPORE_CLUSTER]);
  });
});
