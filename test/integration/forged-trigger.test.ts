import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import { AuditWriteError } from "../../adapters/aws/audit-errors.js";
import { PlanCatalog } from "../../core/plan/plan-catalog.js";
import type { AuditEntry, AuditPort } from "../../core/ports/audit.js";
import { acceptRequest } from "../../core/workflow/accept-request.js";
import { type BuiltEstate, buildEstate } from "../../sandbox/build-estate.js";
import {
  clientProvider,
  type SandboxControlPlane,
  startSandboxControlPlane,
} from "../../sandbox/sandbox-control-plane.js";
import { useLocalTables } from "../support/local-tables.js";
import { testPlan } from "../support/plan-fixtures.js";

const plan = testPlan();
const operator = "arn:aws:iam::111122223333:user/mallory";
let controlPlane: SandboxControlPlane | undefined;
let built: BuiltEstate | undefined;
const tables = useLocalTables();

afterEach(async () => {
  await built?.models.sfn.settled();
  await controlPlane?.stop();
  controlPlane = undefined;
  built = undefined;
});

/** A detector-style request a person writes by hand, claiming the plan's own trigger alarm. */
function forgedAlarmRequest(detectedAt: string) {
  const alarm = plan.triggers.alarms[0];
  if (!alarm) throw new Error("the plan has no alarm");
  return {
    plan: plan.name,
    kind: "failover",
    sourceRegion: "ap-northeast-1",
    targetRegion: "ap-southeast-1",
    trigger: { type: "alarm", alarmName: alarm.name, alarmRegion: alarm.region, detectedAt },
  };
}

async function startAsOperator(name: string, input: unknown) {
  built = buildEstate([plan]);
  controlPlane = await startSandboxControlPlane(built, [plan]);
  await clientProvider(built.estate, operator)
    .forRegion(controlPlane.region)
    .get(SFNClient)
    .send(
      new StartExecutionCommand({
        stateMachineArn: controlPlane.stateMachineArns(plan.name).failover,
        name,
        input: JSON.stringify(input),
      }),
    );
  await built.models.sfn.settled();
  return { built, controlPlane };
}

describe("a trigger nobody can forge", () => {
  it("refuses a console input that claims the plan's own alarm, audits it with the input, and fails nothing over", async () => {
    const forged = forgedAlarmRequest("2020-01-01T00:00:00.000Z");

    const { built, controlPlane } = await startAsOperator("looks-like-the-detector", forged);

    expect(built.models.sfn.all().map((execution) => [execution.status, execution.error])).toEqual([
      ["FAILED", "RequestRejected"],
    ]);
    expect(built.models.sfn.all()[0]?.steps.map((step) => step.state)).not.toContain("Pre-checks");
    expect(built.estate.calls.filter((call) => call.mutating).map((call) => call.operation)).toEqual([
      "StartExecution",
    ]);
    const records = await controlPlane.audit.chain("shop");
    expect(records.map((record) => record.action)).toEqual(["failover.rejected"]);
    expect(records[0]).toMatchObject({
      outcome: "ignored",
      error: {
        name: "InvalidWorkflowInput",
        message:
          "the detector started no execution named looks-like-the-detector: only the detector may start a failover with an alarm trigger",
      },
    });
    // The input is kept as it came, forged time included, for whoever investigates.
    expect(String(records[0]?.details?.input)).toContain("2020-01-01T00:00:00.000Z");
    expect((await controlPlane.state.get("shop")).lock).toBeUndefined();
  });

  it("refuses a full request by hand, so a person cannot choose the time an RTO is measured from", async () => {
    const forged = {
      ...forgedAlarmRequest("2020-01-01T00:00:00.000Z"),
      trigger: { type: "manual", reason: "drill", detectedAt: "2020-01-01T00:00:00.000Z" },
    };

    const { built, controlPlane } = await startAsOperator("by-hand", forged);

    expect(built.models.sfn.all().map((execution) => execution.error)).toEqual(["RequestRejected"]);
    const records = await controlPlane.audit.chain("shop");
    expect(records.map((record) => [record.action, record.error?.message])).toEqual([
      [
        "failover.rejected",
        "a request by hand names only the plan, a reason and a ticket: its time and initiator are recorded by kirikae",
      ],
    ]);
  });

  it("refuses the detector's request under its execution name once anything in it is changed", async () => {
    const executionName = "shop-detector-run";
    const issued = forgedAlarmRequest("2026-01-01T00:00:00.000Z");
    await tables.state.recordDetectorRequest("shop", {
      executionName,
      request: issued,
      region: "ap-southeast-1",
      recordedAt: "2026-01-01T00:00:05.000Z",
    });
    const deps = acceptDeps(recordingAudit());
    const execution = {
      id: `arn:aws:states:ap-southeast-1:111122223333:execution:kirikae-sandbox-shop-failover:${executionName}`,
      startedAt: "2026-01-01T00:00:06.000Z",
    };

    const tampered = acceptRequest(
      deps,
      "failover",
      { ...issued, trigger: { ...issued.trigger, detectedAt: "2020-01-01T00:00:00.000Z" } },
      execution,
    );
    await expect(tampered).rejects.toThrow(
      /not the request the detector started execution shop-detector-run/,
    );
    const elsewhere = acceptRequest(deps, "failover", issued, {
      ...execution,
      id: execution.id.replace("ap-southeast-1", "ap-northeast-1"),
    });
    await expect(elsewhere).rejects.toThrow(/not the request the detector started/);
    const genuine = await acceptRequest(deps, "failover", issued, execution);

    expect(genuine.trigger).toEqual(issued.trigger);
  });

  it("gives the plan's lock back when the accepted record cannot be written", async () => {
    const audit = recordingAudit({ failAction: "failover.accepted" });
    const deps = acceptDeps(audit, "locked-shop");
    const execution = {
      id: "arn:aws:states:ap-southeast-1:111122223333:execution:kirikae-sandbox-locked-shop-failover:by-hand",
      startedAt: "2026-01-01T00:00:00.000Z",
    };

    const accepted = acceptRequest(deps, "failover", { plan: "locked-shop", reason: "drill" }, execution);

    await expect(accepted).rejects.toBeInstanceOf(AuditWriteError);
    expect((await tables.state.get("locked-shop")).lock).toBeUndefined();
  });
});

function acceptDeps(audit: AuditPort, planName = "shop") {
  const named = testPlan((input) => {
    input.name = planName;
  });
  return {
    plans: new PlanCatalog([named]),
    state: tables.state,
    audit,
    clock: { now: () => new Date("2026-01-01T00:00:06.000Z"), sleep: async () => undefined },
    actor: "lambda:kirikae-sandbox-accept-request",
  };
}

/** An audit port that keeps what it is given, and refuses one action as a throttled table would. */
function recordingAudit(options: { failAction?: string } = {}): AuditPort & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    entries,
    async append(entry) {
      if (entry.action === options.failAction) {
        throw new AuditWriteError(`could not append to the audit trail of ${entry.plan}`);
      }
      entries.push(entry);
      return { ...entry, seq: entries.length - 1, prevHash: "", hash: "" };
    },
  };
}
