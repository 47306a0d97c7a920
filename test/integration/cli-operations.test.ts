import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AuditRecord } from "../../core/ports/audit.js";
import type { BuiltEstate } from "../../sandbox/build-estate.js";
import { SANDBOX_STAGE, type SandboxControlPlane } from "../../sandbox/sandbox-control-plane.js";
import { testPlan } from "../support/plan-fixtures.js";
import { sandboxCli } from "../support/sandbox-cli.js";
import { sandboxStagePerTest } from "../support/sandbox-stage.js";

const ONCALL = "arn:aws:iam::111122223333:user/oncall";
const plan = testPlan();
const stages = sandboxStagePerTest();

async function stage(planToUse = plan) {
  const { built, controlPlane } = await stages.start(planToUse);
  const kirikae = sandboxCli(built, controlPlane, ONCALL);
  const at = ["--stage", SANDBOX_STAGE, "--region", controlPlane.region];
  return { built, controlPlane, kirikae, at };
}

describe("operations against a deployed stage", () => {
  it("fails over and back by hand, shows where the plan is, and answers audit questions", async () => {
    const { built, kirikae, at } = await stage();

    const failover = await kirikae(
      "failover",
      "--plan",
      "shop",
      "--reason",
      "maintenance in Tokyo",
      "--ticket",
      "CHG-7",
      "--wait",
      ...at,
    );
    expect(failover.stderr).toBe("");
    expect(failover.code).toBe(0);
    expect(failover.stdout).toMatch(
      /started failover of shop: arn:aws:states:ap-southeast-1:111122223333:execution:kirikae-sandbox-shop-failover:shop-failover-/,
    );
    expect(failover.stdout).toContain("✓ failover succeeded");

    const status = await kirikae("status", "--json", ...at);
    expect(JSON.parse(status.stdout)).toMatchObject({
      plans: [{ plan: "shop", activeRegion: "ap-southeast-1" }],
      running: [],
    });

    const failback = await kirikae(
      "failback",
      "--plan",
      "shop",
      "--reason",
      "maintenance over",
      "--wait",
      ...at,
    );
    expect(failback.code).toBe(0);
    expect(built.models.sfn.all().map((execution) => execution.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);

    const accepted = await kirikae(
      "audit",
      "query",
      "--plan",
      "shop",
      "--action",
      "failback.accepted",
      "--json",
      ...at,
    );
    const records = JSON.parse(accepted.stdout) as AuditRecord[];
    expect(records).toHaveLength(1);
    expect(records[0]?.details).toMatchObject({
      request: { trigger: { type: "manual", reason: "maintenance over" } },
    });

    const table = await kirikae(
      "audit",
      "query",
      "--execution",
      built.models.sfn.all()[0]?.executionArn ?? "",
      ...at,
    );
    expect(table.stdout).toMatch(/rds:SwitchoverGlobalCluster/);
    expect(table.stdout).toMatch(/\d+ records\n$/);

    // Once CloudTrail has delivered, the trail and CloudTrail agree, and CloudTrail names who started each run.
    await built.estate.clock.sleep(16 * 60_000);
    const verify = await kirikae(
      "audit",
      "verify",
      "--plan",
      "shop",
      "--since",
      "2026-01-01T00:00:00Z",
      "--json",
      ...at,
    );
    expect(verify.code).toBe(0);
    const verification = JSON.parse(verify.stdout) as {
      ok: boolean;
      initiators: Array<{ initiator: string }>;
    };
    expect(verification.ok).toBe(true);
    expect(verification.initiators.map((entry) => entry.initiator)).toEqual([ONCALL, ONCALL]);
  });

  it("reports a refused start with the reason from the audit trail, and exits 1", async () => {
    const { kirikae, at } = await stage();

    const refused = await kirikae("failback", "--plan", "shop", "--reason", "just in case", "--wait", ...at);

    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("✗ failback failed (RequestRejected)");
    expect(refused.stdout).toMatch(/why: plan "shop" is already home in ap-northeast-1/);
  });

  it("writes the incident report of an execution from its audit records", async () => {
    const { built, kirikae, at } = await stage();
    await kirikae("failover", "--plan", "shop", "--reason", "drill", "--wait", ...at);
    const folder = await stages.scratch("kirikae-report-");
    const planFile = join(folder, "shop.plan.json");
    await writeFile(planFile, JSON.stringify(plan));
    const execution = built.models.sfn.all()[0]?.executionArn ?? "";

    // No --region: the execution's ARN says where it ran, and that region's control plane holds its trail.
    const report = await kirikae(
      "report",
      execution,
      "--plan",
      planFile,
      "--lang",
      "ja",
      "--stage",
      SANDBOX_STAGE,
    );

    expect(report.code).toBe(0);
    expect(report.stdout).toContain("```mermaid");
    expect(report.stdout).toMatch(/RTO/);
    const unknown = await kirikae("report", `${execution}-nope`, "--plan-file", planFile, ...at);
    // An execution that is not where the person looked is an input error (docs/cli.md, exit codes).
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/has no records of/);
  });

  it("says what to do when the stage is not deployed there or there are no credentials", async () => {
    const { built, kirikae, controlPlane: deployed } = await stage();

    const wrongStage = await kirikae("status", "--stage", "nope", "--region", deployed.region);
    expect(wrongStage.code).toBe(2);
    expect(wrongStage.stderr).toMatch(
      /^✗ no DynamoDB table kirikae-nope-state in ap-southeast-1: the stage is not deployed there; check --stage and --region/,
    );
    expect(wrongStage.stderr).not.toMatch(/^\s+at /m);

    const signedOut = sandboxCli(built, deployed, ONCALL, {
      callerIdentity: async () => {
        throw Object.assign(new Error("Could not load credentials from any providers"), {
          name: "CredentialsProviderError",
        });
      },
    });
    const noCredentials = await signedOut(
      "approve",
      "--plan",
      "shop",
      "--reason",
      "x",
      "--stage",
      SANDBOX_STAGE,
      "--region",
      deployed.region,
    );
    expect(noCredentials.code).toBe(3);
    expect(noCredentials.stderr).toMatch(/^✗ no AWS credentials found; sign in/);
  });
});

describe("approval of an alarm-started failover", () => {
  const approvalPlan = testPlan((input) => {
    input.triggers.mode = "approval";
  });

  async function alarmStartsFailover(built: BuiltEstate, deployed: SandboxControlPlane) {
    const [alarm] = approvalPlan.triggers.alarms;
    if (!alarm) throw new Error("plan has no alarm");
    const detections: Array<Promise<unknown>> = [];
    built.models.cloudwatch.onAlarmStateChange((event) => detections.push(deployed.deliver(event)));
    built.models.cloudwatch.setAlarmState(alarm.region, alarm.name, "ALARM", "test");
    await Promise.all(detections);
    const clock = built.estate.clock;
    while (!(await clock.busy(() => deployed.state.get("shop"))).pendingApproval) await clock.sleep(10_000);
  }

  it("stops the failover when a person rejects it: nothing changes, and who rejected it is audited", async () => {
    const { built, controlPlane: deployed, kirikae, at } = await stage(approvalPlan);
    await alarmStartsFailover(built, deployed);

    const waiting = await kirikae("status", ...at);
    expect(waiting.stdout).toMatch(/approval until .* \(kirikae approve --plan shop\)/);
    // Named from the home region: the answer still goes to the region the paused execution runs in.
    const rejected = await kirikae(
      "approve",
      "--plan",
      "shop",
      "--reject",
      "--reason",
      "false alarm",
      "--stage",
      SANDBOX_STAGE,
      "--region",
      "ap-northeast-1",
    );
    await built.models.sfn.settled();

    expect(rejected.code).toBe(0);
    expect(built.models.sfn.all().map((execution) => [execution.status, execution.error])).toEqual([
      ["FAILED", "NotApproved"],
    ]);
    const mutations = built.estate.calls.filter((call) => call.mutating && call.service !== "sfn");
    expect(mutations).toEqual([]);
    const chain = await deployed.audit.chain("shop");
    expect(chain.find((record) => record.action === "failover.rejected")).toMatchObject({
      actor: ONCALL,
      details: { reason: "false alarm" },
    });
    expect(chain.find((record) => record.action === "failover.aborted")?.error?.name).toBe(
      "ApprovalRejected",
    );
    expect(
      chain.find((record) => record.action === "states:SendTaskFailure" && record.kind === "outcome"),
    ).toMatchObject({ outcome: "ok", region: deployed.region });
    expect((await deployed.state.get("shop")).lock).toBeUndefined();

    const again = await kirikae("approve", "--plan", "shop", "--reason", "changed my mind", ...at);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no shop workflow is waiting for approval/);
  });

  it("abandons the failover, changing nothing, when no one answers before the plan's rollback trigger", async () => {
    const { built, controlPlane: deployed } = await stage(approvalPlan);
    await alarmStartsFailover(built, deployed);
    const pausedAt = built.estate.clock.now().getTime();

    await built.models.sfn.settled();

    const [execution] = built.models.sfn.all();
    expect([execution?.status, execution?.error]).toEqual(["FAILED", "NotApproved"]);
    const waitedMinutes = ((execution?.stopDate?.getTime() ?? 0) - pausedAt) / 60_000;
    expect(waitedMinutes).toBeCloseTo(approvalPlan.timeouts.rollbackAfterMinutes, 0);
    expect(built.estate.calls.filter((call) => call.mutating && call.service !== "sfn")).toEqual([]);
    const aborted = (await deployed.audit.chain("shop")).find(
      (record) => record.action === "failover.aborted",
    );
    expect(aborted?.error).toEqual({
      name: "States.Timeout",
      message: `no one answered the approval request within ${approvalPlan.timeouts.rollbackAfterMinutes} min`,
    });
    expect((await deployed.state.get("shop")).pendingApproval).toBeUndefined();
  });
});

describe("approval of a failover that would lose more than the RPO", () => {
  const askingPlan = testPlan((input) => {
    input.database.dataLoss = "approval-above-rpo";
  });

  it("asks with the lag stated, fails over with data loss on `kirikae approve`, and counts only the first answer", async () => {
    const { built, controlPlane: deployed, kirikae, at } = await stage(askingPlan);
    const standby = askingPlan.database.members["ap-southeast-1"] ?? "";
    built.models.rds.setReplicationLag(standby, (askingPlan.objectives.rpoMinutes + 1) * 60_000);
    built.estate.addFault({ kind: "region-down", region: "ap-northeast-1" });
    const started = await kirikae("failover", "--plan", "shop", "--reason", "Tokyo is dark", ...at);
    expect(started.code).toBe(0);
    const clock = built.estate.clock;
    while ((await clock.busy(() => deployed.state.get("shop"))).pendingApproval?.question !== "data-loss") {
      await clock.sleep(10_000);
    }

    const waiting = await kirikae("status", ...at);
    const approved = await kirikae("approve", "--plan", "shop", "--reason", "the lag is acceptable", ...at);
    const again = await kirikae("approve", "--plan", "shop", "--reason", "twice", ...at);
    await built.models.sfn.settled();

    expect(waiting.stdout).toMatch(/data-loss approval until .* \(kirikae approve --plan shop\)/);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`✓ approved the failover with data loss of shop as ${ONCALL}`);
    expect(approved.stdout).toMatch(
      /asked: .*loses about \d+\.\d s of writes \(AuroraGlobalDBRPOLag\); the plan's RPO is 300 s/,
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no shop workflow is waiting for approval/);
    expect(built.models.sfn.all().map((execution) => execution.status)).toEqual(["SUCCEEDED"]);
    const failovers = built.estate.calls.filter(
      (call) => call.operation === "FailoverGlobalCluster" && call.error === undefined,
    );
    expect(failovers).toHaveLength(1);
    const chain = await deployed.audit.chain("shop");
    expect(chain.filter((record) => record.action === "database.data-loss-approved")).toEqual([
      expect.objectContaining({ actor: ONCALL, details: expect.objectContaining({ question: "data-loss" }) }),
    ]);
    expect(
      chain.find((record) => record.action === "rds:FailoverGlobalCluster" && record.kind === "intent")
        ?.details,
    ).toMatchObject({ allowDataLoss: true, approvedBy: ONCALL, approvalReason: "the lag is acceptable" });
    expect((await deployed.state.get("shop")).lock).toBeUndefined();
  });
});
