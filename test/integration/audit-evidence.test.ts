import { UpdateNodegroupConfigCommand } from "@aws-sdk/client-eks";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { DIGEST_PREFIX } from "../../core/audit/digest-bytes.js";
import { DELIVERY_WINDOW_MS } from "../../core/audit/link-evidence.js";
import { type AuditVerification, verifyAudit } from "../../core/audit/verify-audit.js";
import type { BuiltEstate } from "../../sandbox/build-estate.js";
import { runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario } from "../../sandbox/drill/scenarios.js";
import { sandboxClients } from "../../sandbox/sandbox-clients.js";
import type { SandboxControlPlane } from "../../sandbox/sandbox-control-plane.js";
import { testPlan } from "../support/plan-fixtures.js";

const plan = testPlan();
const regionOutage = findScenario("region-outage");

/** Runs a failover and failback drill, then `audit verify` after `meddle` has had its way with the estate. */
async function verifyAfter(meddle: (built: BuiltEstate, controlPlane: SandboxControlPlane) => Promise<void>) {
  if (!regionOutage) throw new Error("scenario missing");
  let verification: AuditVerification | undefined;
  const drill = await runDrill({
    plan,
    scenario: regionOutage,
    failback: true,
    afterwards: async ({ built, controlPlane }) => {
      await meddle(built, controlPlane);
      await built.estate.clock.sleep(DELIVERY_WINDOW_MS);
      verification = await verifyAudit(controlPlane.evidence, {
        plans: [plan.name],
        regions: [...plan.regions, "us-east-1"],
        roleNames: Object.values(controlPlane.roles).map((arn) => arn.split("/")[1] ?? ""),
        since: new Date(0),
        until: built.estate.clock.now(),
      });
    },
  });
  if (!verification) throw new Error("verification did not run");
  return { drill, verification };
}

describe("audit trail backed by CloudTrail", () => {
  it("links every mutating call of a drill to exactly one audit record and one CloudTrail event", async () => {
    let calls: string[] = [];
    let outcomes: string[] = [];
    let evidence: string[] = [];
    const { drill } = await verifyAfter(async (built, controlPlane) => {
      const roles = Object.values(controlPlane.roles);
      calls = built.estate.calls
        .filter((call) => call.mutating && !call.error && roles.includes(call.principal))
        .map((call) => call.requestId);
      const chain = await controlPlane.audit.chain(plan.name);
      // A digest's put is an S3 data event: no management event to link it to (README, audit trail).
      outcomes = chain
        .filter(
          (record) =>
            record.kind === "outcome" && record.requestId && !record.resource?.startsWith(DIGEST_PREFIX),
        )
        .map((record) => record.requestId ?? "");
      // The initiator's StartExecution is evidence too, but of a call kirikae did not make.
      evidence = chain
        .filter((record) => record.kind === "evidence" && outcomes.includes(record.requestId ?? ""))
        .map((record) => record.requestId ?? "");
    });

    expect(calls.length).toBeGreaterThan(5);
    expect([...outcomes].sort()).toEqual([...calls].sort());
    expect([...new Set(evidence)].sort()).toEqual([...calls].sort());
    expect(evidence).toHaveLength(calls.length);
    expect(drill.audit.findings).toEqual([]);
    expect(drill.audit.verified).toBe(true);
  });

  it("records the failback's initiator as the IAM identity CloudTrail saw, not anything the input said", async () => {
    const { drill } = await verifyAfter(async () => undefined);

    expect(Object.values(drill.audit.initiators)).toEqual(["arn:aws:iam::111122223333:user/oncall-engineer"]);
  });

  it("fails verification naming the record when one audit record is edited in the table", async () => {
    const { verification } = await verifyAfter(async (_built, controlPlane) => {
      await controlPlane.dynamo.client.send(
        new UpdateCommand({
          TableName: controlPlane.dynamo.tableNames.audit,
          Key: { plan: plan.name, seq: "000000000005" },
          UpdateExpression: "SET actor = :someone",
          ExpressionAttributeValues: { ":someone": "nobody" },
        }),
      );
    });

    expect(verification.ok).toBe(false);
    expect(verification.brokenChain).toEqual([expect.objectContaining({ plan: plan.name, seq: 5 })]);
  });

  it("reports a mutating call made with kirikae's role outside kirikae as unaudited", async () => {
    const { verification } = await verifyAfter(async (built, controlPlane) => {
      const impostor = sandboxClients(built.estate, "ap-southeast-1", controlPlane.roleOf("scaleNodegroups"));
      await impostor.eks.send(
        new UpdateNodegroupConfigCommand({
          clusterName: "shop-singapore",
          nodegroupName: "web",
          scalingConfig: { desiredSize: 3 },
        }),
      );
    });

    expect(verification.ok).toBe(false);
    expect(verification.unaudited).toEqual([
      expect.objectContaining({
        eventName: "UpdateNodegroupConfig",
        userIdentityArn: expect.stringContaining("kirikae-sandbox-scaleNodegroups"),
      }),
    ]);
    expect(verification.brokenChain).toEqual([]);
  });
});
