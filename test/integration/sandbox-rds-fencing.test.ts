import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  InvalidDBClusterStateFault,
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

const STALE_MS = 60_000;
const RESYNC_MS = 240_000;

/** Tokyo's region fails, Singapore is promoted with data loss; Tokyo is still down at the end. */
async function afterDataLossFailover() {
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
              { arn: SINGAPORE_CLUSTER, region: SINGAPORE, isWriter: false, replicationLagMs: 900 },
            ],
          },
        ],
      },
      { failoverMs: 40_000 },
      { staleWriterMs: STALE_MS, resyncMs: RESYNC_MS },
    );
    return [rds];
  });
  const { estate } = sandbox;
  estate.addFault({ kind: "region-down", region: TOKYO });
  await sandbox.clients(SINGAPORE).rds.send(
    new FailoverGlobalClusterCommand({
      GlobalClusterIdentifier: "shop-global",
      TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
      AllowDataLoss: true,
    }),
  );
  estate.clock.advance(40_000);
  const model = rds as RdsModel;
  const writersClaimed = async (region: string) => {
    const { GlobalClusters } = await sandbox
      .clients(region)
      .rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: "shop-global" }));
    return (GlobalClusters?.[0]?.GlobalClusterMembers ?? [])
      .filter((member) => member.IsWriter)
      .map((member) => member.DBClusterArn);
  };
  return { ...sandbox, rds: model, writersClaimed };
}

describe("sandbox RDS: the old primary after a data-loss failover (best-effort fencing)", () => {
  it("lets the returning old primary claim the writer role and take writes for a while, then rebuilds it as a secondary", async () => {
    const { estate, rds, clients, writersClaimed } = await afterDataLossFailover();

    estate.removeFaults();
    rds.writerOf("shop-global");
    const returnedAt = estate.clock.now();
    const claimedOnReturn = await writersClaimed(SINGAPORE);
    const { DBClusters } = await clients(TOKYO).rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: TOKYO_CLUSTER }),
    );
    estate.clock.advance(STALE_MS);
    const claimedWhileResyncing = await writersClaimed(TOKYO);
    const resyncing = rds.replicationLagMs(TOKYO_CLUSTER);
    estate.clock.advance(RESYNC_MS);
    const claimedAfterRebuild = await writersClaimed(TOKYO);

    expect(claimedOnReturn).toEqual([TOKYO_CLUSTER, SINGAPORE_CLUSTER]);
    expect(DBClusters?.[0]?.DBClusterMembers?.[0]?.IsClusterWriter).toBe(true);
    expect(claimedWhileResyncing).toEqual([SINGAPORE_CLUSTER]);
    expect(resyncing).toBeUndefined();
    expect(claimedAfterRebuild).toEqual([SINGAPORE_CLUSTER]);
    // Rebuilt as a secondary as far behind as Singapore was when promoted: its lag kept growing while
    // Tokyo was dark, for the 250 ms the failover call itself took.
    expect(rds.replicationLagMs(TOKYO_CLUSTER)).toBe(rds.lastFailover("shop-global")?.dataLossMs);
    expect(rds.writerOf("shop-global")).toEqual({ arn: SINGAPORE_CLUSTER, region: SINGAPORE });
    expect(rds.writersAt("shop-global", returnedAt).map((span) => [span.region, span.role])).toEqual([
      [SINGAPORE, "primary"],
      [TOKYO, "stale"],
    ]);
    expect(rds.writersAt("shop-global", estate.clock.now()).map((span) => span.region)).toEqual([SINGAPORE]);
  });

  it("records who accepted writes: Tokyo until the failover, Singapore from its completion, Tokyo again only while unfenced", async () => {
    const { estate, rds } = await afterDataLossFailover();
    const started = new Date(estate.clock.now().getTime() - 40_000);

    estate.removeFaults();
    rds.writerOf("shop-global");
    const back = estate.clock.now();
    const history = rds.writerHistory("shop-global");

    expect(history).toEqual([
      { clusterArn: TOKYO_CLUSTER, region: TOKYO, role: "primary", from: expect.any(Date), until: started },
      { clusterArn: SINGAPORE_CLUSTER, region: SINGAPORE, role: "primary", from: back },
      {
        clusterArn: TOKYO_CLUSTER,
        region: TOKYO,
        role: "stale",
        from: back,
        until: new Date(back.getTime() + STALE_MS),
      },
    ]);
  });

  it("refuses to switch back to the old primary while Aurora is still rebuilding it", async () => {
    const { estate, clients } = await afterDataLossFailover();
    estate.removeFaults();

    const attempt = clients(SINGAPORE).rds.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: "shop-global",
        TargetDbClusterIdentifier: TOKYO_CLUSTER,
      }),
    );

    await expect(attempt).rejects.toBeInstanceOf(InvalidDBClusterStateFault);
    await expect(attempt).rejects.toThrow(/rebuilt as a secondary/);
  });
});
