import { FailoverGlobalClusterCommand, RDSClient } from "@aws-sdk/client-rds";
import { describe, expect, it } from "vitest";
import { awsReadinessDeps } from "../../adapters/aws/readiness-ports.js";
import { checkReadiness } from "../../core/readiness/check-readiness.js";
import { clientProvider } from "../../sandbox/sandbox-control-plane.js";
import { DETECTOR, exampleEstate, ONCALL } from "../support/readiness-sandbox.js";

const TOKYO = "ap-northeast-1";
const SINGAPORE = "ap-southeast-1";

describe("readiness check: two writers after a data-loss failover", () => {
  it("reports a gap in every region while the returning old primary still claims the writer role, and none once Aurora has rebuilt it", async () => {
    const { plan, built, clients } = await exampleEstate();
    built.estate.addFault({ kind: "region-down", region: TOKYO });
    await clients
      .forRegion(SINGAPORE)
      .get(RDSClient)
      .send(
        new FailoverGlobalClusterCommand({
          GlobalClusterIdentifier: "shop-global",
          TargetDbClusterIdentifier: plan.database.members[SINGAPORE],
          AllowDataLoss: true,
        }),
      );
    built.estate.clock.advance(60_000);
    built.models.rds.writerOf("shop-global");
    built.estate.removeFaults();
    const deps = awsReadinessDeps(clientProvider(built.estate, ONCALL), built.estate.clock);
    const writerGaps = async () =>
      (await checkReadiness(plan, deps, { detectorFunction: DETECTOR })).filter(
        (finding) => !finding.ok && finding.check === "database.member",
      );

    const whileUnfenced = await writerGaps();
    built.estate.clock.advance(10 * 60_000);
    const afterRebuild = await writerGaps();

    expect(whileUnfenced).toEqual([
      expect.objectContaining({
        region: TOKYO,
        actual: "shop-tokyo and shop-singapore both claim the writer role",
        hint: expect.stringContaining("keep traffic away"),
      }),
      expect.objectContaining({
        region: SINGAPORE,
        actual: "shop-tokyo and shop-singapore both claim the writer role",
      }),
    ]);
    expect(afterRebuild.map((finding) => finding.actual)).toEqual([
      "secondary of shop-global",
      "writer of shop-global",
    ]);
  });
});
