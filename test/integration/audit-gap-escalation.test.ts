import { afterEach, describe, expect, it } from "vitest";
import { AuditWriteError } from "../../adapters/aws/audit-errors.js";
import type { AuditPort } from "../../core/ports/audit.js";
import { buildEstate } from "../../sandbox/build-estate.js";
import {
  SANDBOX_STAGE,
  type SandboxControlPlane,
  startSandboxControlPlane,
} from "../../sandbox/sandbox-control-plane.js";
import { testPlan } from "../support/plan-fixtures.js";
import { sandboxCli } from "../support/sandbox-cli.js";

const plan = testPlan();
let controlPlane: SandboxControlPlane | undefined;

afterEach(async () => {
  await controlPlane?.stop();
  controlPlane = undefined;
});

/** An audit table that refuses one record, every time, as a table without capacity or access would. */
function refusing(action: string, kind: string) {
  return (audit: AuditPort): AuditPort => ({
    async append(entry) {
      if (entry.action === action && entry.kind === kind) {
        throw new AuditWriteError(`could not append to the audit trail of ${entry.plan}`, {
          cause: new Error("ProvisionedThroughputExceededException"),
        });
      }
      return audit.append(entry);
    },
  });
}

/** The on-call engineer fails over by hand and waits for the run to end, as the CLI does. */
function failOverByHand(built: ReturnType<typeof buildEstate>, running: SandboxControlPlane) {
  const kirikae = sandboxCli(built, running, "arn:aws:iam::111122223333:user/oncall");
  return kirikae(
    "failover",
    "--plan",
    "shop",
    "--reason",
    "drill",
    "--wait",
    "--stage",
    SANDBOX_STAGE,
    "--region",
    running.region,
  );
}

describe("a step that cannot write its audit record", () => {
  it("escalates, and the escalation records which step's record is missing from the trail", async () => {
    const built = buildEstate([plan]);
    controlPlane = await startSandboxControlPlane(built, [plan], {
      taskAudit: refusing("rds:SwitchoverGlobalCluster", "intent"),
    });
    await failOverByHand(built, controlPlane);

    const [execution] = built.models.sfn.all();
    const chain = await controlPlane.audit.chain("shop");
    const gaps = chain.filter((record) => record.action === "audit.gap");
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({
      kind: "decision",
      outcome: "failed",
      executionId: execution?.executionArn,
      error: { name: "AuditWriteError", message: "could not append to the audit trail of shop" },
      details: {
        step: "promote-database",
        missingAction: "rds:SwitchoverGlobalCluster",
        missingKind: "intent",
        execution: execution?.executionArn,
      },
    });
    // The gap comes before the escalation, which still closes the run, and the database was never asked.
    const escalation = chain.find((record) => record.action === "failover.escalated");
    expect(escalation?.seq).toBeGreaterThan(gaps[0]?.seq ?? Number.POSITIVE_INFINITY);
    expect(built.estate.calls.filter((call) => call.operation === "SwitchoverGlobalCluster")).toEqual([]);
  });

  it("records no gap when a step fails for any other reason", async () => {
    const built = buildEstate([plan]);
    built.estate.addFault({
      kind: "fail",
      operation: "SwitchoverGlobalCluster",
      // More than the SDK's and the state machine's retries together: the step fails for good.
      times: 1_000,
      error: "InvalidGlobalClusterStateFault",
    });
    controlPlane = await startSandboxControlPlane(built, [plan]);
    await failOverByHand(built, controlPlane);

    const chain = await controlPlane.audit.chain("shop");
    expect(chain.some((record) => record.action === "failover.escalated")).toBe(true);
    expect(chain.filter((record) => record.action === "audit.gap")).toEqual([]);
  });
});
