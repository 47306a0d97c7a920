import type { Context } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { DIGEST_PREFIX } from "../../core/audit/digest-bytes.js";
import { PlanCatalog } from "../../core/plan/plan-catalog.js";
import { createLinkEvidenceHandler } from "../../functions/link-evidence.js";
import { createQueryAuditHandler } from "../../functions/query-audit.js";
import type { LinkerFunctionDeps } from "../../functions/runtime/audit-deps.js";
import { buildEstate } from "../../sandbox/build-estate.js";
import {
  SANDBOX_STAGE,
  type SandboxControlPlane,
  startSandboxControlPlane,
} from "../../sandbox/sandbox-control-plane.js";
import { testPlan } from "../support/plan-fixtures.js";
import { sandboxCli } from "../support/sandbox-cli.js";

const plan = testPlan();
const context = { functionName: "kirikae-sandbox-queryAudit", awsRequestId: "test" } as Context;
let controlPlane: SandboxControlPlane | undefined;

afterEach(async () => {
  await controlPlane?.stop();
  controlPlane = undefined;
});

/** A failover by hand on a sandbox stage, and the audit functions' dependencies on that stage. */
async function afterAFailover() {
  const built = buildEstate([plan]);
  controlPlane = await startSandboxControlPlane(built, [plan]);
  const kirikae = sandboxCli(built, controlPlane, "arn:aws:iam::111122223333:user/oncall");
  await kirikae(
    "failover",
    "--plan",
    "shop",
    "--reason",
    "test",
    "--wait",
    "--stage",
    SANDBOX_STAGE,
    "--region",
    controlPlane.region,
  );
  const deps: LinkerFunctionDeps = {
    ...controlPlane.linker,
    plans: new PlanCatalog([plan]),
  };
  const [execution] = built.models.sfn.all();
  return { built, deps, executionArn: execution?.executionArn ?? "" };
}

describe("audit query function", () => {
  it("answers a question about one execution from the index, oldest first", async () => {
    const { deps, executionArn } = await afterAFailover();
    const query = createQueryAuditHandler(() => deps);

    const result = await query({ executionId: executionArn, action: "rds:SwitchoverGlobalCluster" }, context);

    expect(result.records.map((record) => [record.kind, record.outcome])).toEqual([
      ["intent", "pending"],
      ["outcome", "ok"],
    ]);
    expect(result).toMatchObject({ count: 2, truncated: false });
  });

  it("refuses a malformed question, and one it could only answer with a scan, saying what to send", async () => {
    const { deps } = await afterAFailover();
    const query = createQueryAuditHandler(() => deps);

    await expect(query({ plan: "shop", colour: "red" }, context)).rejects.toThrow(/not an audit question/);
    await expect(
      query({ from: "2026-01-01T00:00:00Z", to: "2026-06-01T00:00:00Z" }, context),
    ).rejects.toMatchObject({ name: "InvalidWorkflowInput" });
  });
});

describe("scheduled evidence linker", () => {
  it("links each recorded call once CloudTrail has delivered it, and only once", async () => {
    const { built, deps } = await afterAFailover();
    const link = createLinkEvidenceHandler(() => deps);
    const outcomes = (await deps.audit.chain("shop")).filter(
      // A digest's put is an S3 data event, which LookupEvents never returns: nothing to link.
      (record) =>
        record.kind === "outcome" &&
        record.outcome === "ok" &&
        record.requestId &&
        !record.resource?.startsWith(DIGEST_PREFIX),
    );

    await built.estate.clock.sleep(16 * 60_000);
    const first = await built.estate.clock.busy(() => link({}, context));
    const second = await built.estate.clock.busy(() => link({}, context));

    expect(first.plans).toEqual([{ plan: "shop", linked: outcomes.length, waiting: 0, missing: 0 }]);
    expect(second.plans).toEqual([{ plan: "shop", linked: 0, waiting: 0, missing: 0 }]);
  });
});
