import {
  DBClusterNotFoundFault,
  DeleteGlobalClusterCommand,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  GlobalClusterNotFoundFault,
  InvalidGlobalClusterStateFault,
  RDSServiceException,
  SwitchoverGlobalClusterCommand,
} from "@aws-sdk/client-rds";
import { describe, expect, it } from "vitest";
import { RdsModel } from "../../sandbox/services/rds-model.js";
import { DEFAULT_FENCING_TIMINGS } from "../../sandbox/services/rds-write-history.js";
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

async function globalSeenFrom(client: ReturnType<typeof globalDatabase>["singapore"]) {
  const { GlobalClusters } = await client.send(
    new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: "shop-global" }),
  );
  const global = GlobalClusters?.[0];
  const member = (arn: string) => global?.GlobalClusterMembers?.find((each) => each.DBClusterArn === arn);
  return {
    status: global?.Status,
    writer: global?.GlobalClusterMembers?.find((each) => each.IsWriter)?.DBClusterArn,
    failoverStatus: global?.FailoverState?.Status,
    tokyo: member(TOKYO_CLUSTER),
    singapore: member(SINGAPORE_CLUSTER),
  };
}

describe("sandbox RDS global database, through the real RDS client", () => {
  it("switches over through switching-over, then the target is writer and the old writer a secondary", async () => {
    const { estate, singapore, clients } = globalDatabase();

    // A switchover is requested in the primary's region (Tokyo), as the Aurora User Guide says.
    const started = await clients(TOKYO).rds.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: "shop-global",
        TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
      }),
    );
    const verifying = await globalSeenFrom(singapore);
    estate.clock.advance(10_000);
    const promoting = await globalSeenFrom(singapore);
    const { DBClusters: during } = await singapore.send(new DescribeDBClustersCommand({}));
    estate.clock.advance(50_000);
    const after = await globalSeenFrom(singapore);
    const { DBClusters: tokyoAfter } = await clients(TOKYO).rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: TOKYO_CLUSTER }),
    );

    expect(started.GlobalCluster?.FailoverState).toEqual({
      Status: "pending",
      FromDbClusterArn: TOKYO_CLUSTER,
      ToDbClusterArn: SINGAPORE_CLUSTER,
      IsDataLossAllowed: false,
    });
    expect(verifying).toMatchObject({
      status: "switching-over",
      writer: TOKYO_CLUSTER,
      failoverStatus: "pending",
    });
    expect(promoting).toMatchObject({ status: "switching-over", failoverStatus: "switching-over" });
    expect(during?.[0]).toMatchObject({ DBClusterArn: SINGAPORE_CLUSTER, Status: "failing-over" });
    expect(after).toMatchObject({
      status: "available",
      writer: SINGAPORE_CLUSTER,
      failoverStatus: undefined,
    });
    expect(after.tokyo).toMatchObject({ IsWriter: false, SynchronizationStatus: "connected", Readers: [] });
    expect(after.singapore).toMatchObject({ IsWriter: true, Readers: [TOKYO_CLUSTER] });
    expect(tokyoAfter?.[0]).toMatchObject({
      Status: "available",
      GlobalClusterIdentifier: "shop-global",
      DBClusterMembers: [expect.objectContaining({ IsClusterWriter: false })],
    });
  });

  it("fails over with AllowDataLoss while the primary's region is down, losing the target's lag", async () => {
    const { estate, rds, singapore } = globalDatabase();
    estate.addFault({ kind: "region-down", region: TOKYO });

    const started = await singapore.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: "shop-global",
        TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
        AllowDataLoss: true,
      }),
    );
    estate.clock.advance(10_000);
    const during = await globalSeenFrom(singapore);
    estate.clock.advance(30_000);
    const after = await globalSeenFrom(singapore);

    expect(started.GlobalCluster?.FailoverState?.IsDataLossAllowed).toBe(true);
    expect(during).toMatchObject({
      status: "failing-over",
      writer: TOKYO_CLUSTER,
      failoverStatus: "failing-over",
    });
    expect(after).toMatchObject({ status: "available", writer: SINGAPORE_CLUSTER });
    expect(rds.writerOf("shop-global")).toEqual({ arn: SINGAPORE_CLUSTER, region: SINGAPORE });
    expect(rds.lastFailover("shop-global")).toEqual({
      at: expect.any(Date),
      from: TOKYO_CLUSTER,
      to: SINGAPORE_CLUSTER,
      // 1.2 s behind when Tokyo went dark, plus the 250 ms the failover call took: lag grows in an outage.
      dataLossMs: 1_450,
    });
  });

  it("keeps the old writer pending-resync after an unplanned failover until its region answers again", async () => {
    const { estate, rds, singapore } = globalDatabase();
    estate.addFault({ kind: "region-down", region: TOKYO });
    await singapore.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: "shop-global",
        TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
        AllowDataLoss: true,
      }),
    );
    estate.clock.advance(40_000);

    const whileDown = await globalSeenFrom(singapore);
    const lagWhileDown = rds.replicationLagMs(TOKYO_CLUSTER);
    estate.removeFaults();
    await globalSeenFrom(singapore);
    // Fencing is best effort and the rebuild takes minutes (see sandbox-rds-fencing.test.ts).
    estate.clock.advance(DEFAULT_FENCING_TIMINGS.staleWriterMs + DEFAULT_FENCING_TIMINGS.resyncMs);
    const recovered = await globalSeenFrom(singapore);

    expect(whileDown.tokyo).toMatchObject({ IsWriter: false, SynchronizationStatus: "pending-resync" });
    expect(lagWhileDown).toBeUndefined();
    expect(recovered.tokyo).toMatchObject({ IsWriter: false, SynchronizationStatus: "connected" });
    expect(rds.replicationLagMs(TOKYO_CLUSTER)).toBe(1_450);
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
    await expect(attempt).rejects.toThrow(/AllowDataLoss/);
    expect(await globalSeenFrom(singapore)).toMatchObject({ status: "available", writer: TOKYO_CLUSTER });
  });

  it("refuses AllowDataLoss and Switchover together, as AWS does", async () => {
    const { singapore } = globalDatabase();

    const attempt = singapore.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: "shop-global",
        TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
        AllowDataLoss: true,
        Switchover: true,
      }),
    );

    await expect(attempt).rejects.toBeInstanceOf(RDSServiceException);
    await expect(attempt).rejects.toMatchObject({ name: "InvalidParameterCombination" });
  });

  it("refuses a switchover requested outside the primary's region, and a failover outside the target's", async () => {
    const { singapore, clients } = globalDatabase();

    const switchover = singapore.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: "shop-global",
        TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
      }),
    );
    const failover = clients(TOKYO).rds.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: "shop-global",
        TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
        AllowDataLoss: true,
      }),
    );

    await expect(switchover).rejects.toMatchObject({
      name: "InvalidGlobalClusterStateFault",
      message: expect.stringContaining("primary cluster's Region ap-northeast-1"),
    });
    await expect(failover).rejects.toMatchObject({
      name: "InvalidGlobalClusterStateFault",
      message: expect.stringContaining("target cluster ap-southeast-1"),
    });
  });

  it("refuses to promote the cluster that already is the writer, or to start a second promotion", async () => {
    const { singapore, clients } = globalDatabase();

    await expect(
      singapore.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: "shop-global",
          TargetDbClusterIdentifier: TOKYO_CLUSTER,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidGlobalClusterStateFault);
    await clients(TOKYO).rds.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: "shop-global",
        TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
      }),
    );
    await expect(
      singapore.send(
        new FailoverGlobalClusterCommand({
          GlobalClusterIdentifier: "shop-global",
          TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
          AllowDataLoss: true,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidGlobalClusterStateFault);
  });

  it("answers DBClusterNotFoundFault for a target that is not a member", async () => {
    const { singapore } = globalDatabase();

    await expect(
      singapore.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: "shop-global",
          TargetDbClusterIdentifier: "arn:aws:rds:ap-southeast-1:111122223333:cluster:elsewhere",
        }),
      ),
    ).rejects.toBeInstanceOf(DBClusterNotFoundFault);
  });

  it("answers GlobalClusterNotFoundFault for an unknown global cluster, or from a region with no member", async () => {
    const { singapore, clients } = globalDatabase();

    await expect(
      singapore.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: "nope" })),
    ).rejects.toBeInstanceOf(GlobalClusterNotFoundFault);
    await expect(
      clients("eu-west-1").rds.send(
        new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: "shop-global" }),
      ),
    ).rejects.toBeInstanceOf(GlobalClusterNotFoundFault);
  });

  it("shows each region only its own DB clusters", async () => {
    const { singapore } = globalDatabase();

    const { DBClusters } = await singapore.send(new DescribeDBClustersCommand({}));
    const byIdentifier = await singapore.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: "shop-singapore" }),
    );

    expect(DBClusters?.map((cluster) => cluster.DBClusterArn)).toEqual([SINGAPORE_CLUSTER]);
    expect(byIdentifier.DBClusters?.[0]).toMatchObject({
      DBClusterArn: SINGAPORE_CLUSTER,
      Status: "available",
      Endpoint: expect.stringContaining(".ap-southeast-1.rds.amazonaws.com"),
    });
    await expect(
      singapore.send(new DescribeDBClustersCommand({ DBClusterIdentifier: TOKYO_CLUSTER })),
    ).rejects.toBeInstanceOf(DBClusterNotFoundFault);
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

  it("names an operation it does not model instead of answering it", async () => {
    const { singapore } = globalDatabase();

    await expect(
      singapore.send(new DeleteGlobalClusterCommand({ GlobalClusterIdentifier: "shop-global" })),
    ).rejects.toThrow(/does not model rds:DeleteGlobalCluster/);
  });
});
