import { afterEach, describe, expect, it } from "vitest";
import type { CliIo, Terminal } from "../../cli/cli-io.js";
import type { Plan } from "../../core/plan/schema.js";
import { type BuiltEstate, buildEstate } from "../../sandbox/build-estate.js";
import {
  SANDBOX_STAGE,
  type SandboxControlPlane,
  startSandboxControlPlane,
} from "../../sandbox/sandbox-control-plane.js";
import { testPlan } from "../support/plan-fixtures.js";
import { sandboxCli } from "../support/sandbox-cli.js";

const ONCALL = "arn:aws:iam::111122223333:user/oncall";
const plan = testPlan();
let controlPlane: SandboxControlPlane | undefined;
let running: BuiltEstate | undefined;

afterEach(async () => {
  // A run a test left going (it only waited for the acceptance) ends before its tables go away.
  await running?.models.sfn.settled();
  await controlPlane?.stop();
  controlPlane = undefined;
  running = undefined;
});

async function stage(planToUse: Plan = plan, io: Partial<CliIo> = {}) {
  // Nodegroup updates settle in a second, so a test can cancel once the scale-up has been made.
  const built = buildEstate([planToUse], { latencies: { eksNodegroupUpdate: 1_000 } });
  controlPlane = await startSandboxControlPlane(built, [planToUse]);
  running = built;
  const kirikae = sandboxCli(built, controlPlane, ONCALL, {}, io);
  const at = ["--stage", SANDBOX_STAGE, "--region", controlPlane.region];
  return { built, controlPlane, kirikae, at };
}

/** A terminal that answers every question with `answer`, recording what it was asked. */
function terminal(answer: string, asked: string[] = []): Terminal {
  return {
    stdoutIsTTY: true,
    stdinIsTTY: true,
    ask: async (question) => {
      asked.push(question);
      return answer;
    },
  };
}

const ESCAPE = "\u001b[";

describe("following a run", () => {
  it("returns once the failover is accepted, naming the steps so far and how to follow or stop it", async () => {
    const { kirikae, at } = await stage();

    const started = await kirikae("failover", "--plan", "shop", "--reason", "maintenance", ...at);

    expect(started.code).toBe(0);
    expect(started.stderr).toBe("");
    expect(started.stdout).toMatch(/^ {2}\+00:00\.0 {2}▸ Accept request$/m);
    expect(started.stdout).toMatch(/^ {2}\+\d\d:\d\d\.\d {2}✓ Pre-checks {2}\d+\.\d s$/m);
    expect(started.stdout).toContain("✓ accepted: the failover of shop is under way");
    expect(started.stdout).toMatch(
      /follow it with `kirikae watch arn:aws:states:ap-southeast-1:.*:execution:/,
    );
    expect(started.stdout).not.toContain("✓ failover succeeded");
  });

  it("reports a run the first step refuses at once, without --wait, and exits 1 with the refusal's cause", async () => {
    const { built, kirikae, at } = await stage();

    const refused = await kirikae("failback", "--plan", "shop", "--reason", "just in case", ...at);
    // Execution names carry the second they were started in: the next run starts a second later.
    await built.estate.clock.sleep(1_000);
    const json = await kirikae("failback", "--plan", "shop", "--reason", "again", "--json", ...at);

    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("✗ failback failed (RequestRejected)");
    expect(refused.stdout).toMatch(/why: plan "shop" is already home in ap-northeast-1/);
    expect(refused.stdout).not.toContain("accepted");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      kind: "failback",
      status: "FAILED",
      accepted: false,
      error: "RequestRejected",
      reason: expect.stringMatching(/already home/),
    });
  });

  it("shows each step once when piped: a line when it starts and one when it ends, never 'still running'", async () => {
    const { built, kirikae, at } = await stage();
    await kirikae("failover", "--plan", "shop", "--reason", "maintenance", ...at);
    const execution = built.models.sfn.all()[0]?.executionArn ?? "";

    const watched = await kirikae("watch", execution);

    expect(watched.code).toBe(0);
    const lines = watched.stdout.split("\n");
    expect(lines[0]).toBe(`failover ${execution}`);
    for (const step of [
      "Accept request",
      "Pre-checks",
      "Promote database",
      "Scale up nodegroups",
      "Switch traffic",
    ]) {
      expect(lines.filter((line) => line.endsWith(`▸ ${step}`))).toHaveLength(1);
      expect(lines.filter((line) => new RegExp(`✓ ${step}( \\(\\w[\\w-]*\\))? {2}`).test(line))).toHaveLength(
        1,
      );
    }
    expect(watched.stdout).toMatch(/✓ Promote database \(switchover\) {2}1 min \d+ s/);
    expect(watched.stdout).toMatch(/✓ failover succeeded in \d+ min \d+ s\n$/);
    expect(watched.stdout).not.toMatch(/running/);
    expect(watched.stdout).not.toContain(ESCAPE);
  });

  it("redraws a live line with a spinner on a terminal, in colour unless NO_COLOR is set", async () => {
    const { built, kirikae, at, controlPlane: deployed } = await stage();
    await kirikae("failover", "--plan", "shop", "--reason", "maintenance", ...at);
    const execution = built.models.sfn.all()[0]?.executionArn ?? "";
    const onTerminal = sandboxCli(built, deployed, ONCALL, {}, { terminal: terminal("") });
    const noColour = sandboxCli(
      built,
      deployed,
      ONCALL,
      {},
      { terminal: terminal(""), env: { NO_COLOR: "1" } },
    );

    const coloured = await onTerminal("watch", execution);
    const plain = await noColour("watch", execution);

    expect(coloured.code).toBe(0);
    expect(coloured.stdout).toContain(`${ESCAPE}32m✓${ESCAPE}0m`);
    for (const colour of ["2m", "31m", "32m", "33m"])
      expect(plain.stdout).not.toContain(`${ESCAPE}${colour}`);
    // The run has ended: what stays on screen is each step's final line.
    expect(plain.stdout).toMatch(/✓ failover succeeded/);
  });

  it("prints the steps as one JSON document with --json, and exits 1 for a run that did not succeed", async () => {
    const { built, kirikae, at } = await stage();
    await kirikae("failback", "--plan", "shop", "--reason", "just in case", ...at);
    const execution = built.models.sfn.all()[0]?.executionArn ?? "";

    const watched = await kirikae("watch", execution, "--json");

    expect(watched.code).toBe(1);
    expect(JSON.parse(watched.stdout)).toMatchObject({
      executionArn: execution,
      kind: "failback",
      status: "FAILED",
      error: "RequestRejected",
      reason: expect.stringMatching(/already home/),
      steps: [{ name: "Accept request", state: "failed" }],
    });
  });

  it("says an ARN that is not an execution's is a usage error, exit 2", async () => {
    const { kirikae } = await stage();

    const result = await kirikae("watch", "arn:aws:states:ap-southeast-1:111122223333:stateMachine:x");

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not a Step Functions execution ARN; give the execution's ARN/);
  });
});

/** A promotion AWS keeps failing for a while (retried with backoff), while the scale-up goes ahead. */
function promotionRetrying(built: BuiltEstate) {
  built.estate.addFault({
    kind: "fail",
    operation: "SwitchoverGlobalCluster",
    times: 100,
    error: "InternalFailure",
  });
}

describe("cancelling a run", () => {
  it("stops a failover mid-recovery, undoes the scale-up by the workflow's escalation, and audits who and why", async () => {
    const { built, controlPlane: deployed, kirikae, at } = await stage();
    promotionRetrying(built);
    const started = await kirikae("failover", "--plan", "shop", "--reason", "maintenance", ...at);
    const execution = built.models.sfn.all()[0]?.executionArn ?? "";
    expect(started.code).toBe(0);
    const clock = built.estate.clock;
    const web = () => built.models.eks.nodegroup("ap-southeast-1", "shop-singapore", "web");
    while (web()?.status !== "ACTIVE" || web()?.desiredSize !== 6) await clock.sleep(500);

    const cancelled = await kirikae("cancel", execution, "--reason", "wrong region, stop it");

    expect(cancelled.stderr).toBe("");
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toContain("✓ cancelled the failover of shop");
    expect(cancelled.stdout).toContain(`by ${ONCALL}: wrong region, stop it`);
    expect(cancelled.stdout).toMatch(
      /escalated as the workflow escalates \(escalated\): undone: .*\(compensation\).*; the database writer is in ap-northeast-1; DNS was not moved/,
    );
    expect(built.models.sfn.all()[0]).toMatchObject({ status: "ABORTED", error: "Cancelled" });
    // The standby region's capacity is back at its standby sizes; traffic never moved.
    expect(built.models.eks.nodegroup("ap-southeast-1", "shop-singapore", "web")?.desiredSize).toBe(2);
    expect(built.estate.calls.filter((call) => call.service === "route53" && call.mutating)).toEqual([]);
    const state = await deployed.state.get("shop");
    expect(state.lock).toBeUndefined();
    const records = (await deployed.audit.chain("shop")).filter((record) => record.executionId === execution);
    expect(records.find((record) => record.action === "failover.cancel-requested")).toMatchObject({
      actor: ONCALL,
      details: { reason: "wrong region, stop it" },
    });
    const stop = records.filter((record) => record.action === "states:StopExecution");
    expect(stop.map((record) => [record.kind, record.outcome, record.actor])).toEqual([
      ["intent", "pending", ONCALL],
      ["outcome", "ok", ONCALL],
    ]);
    expect(stop[1]?.requestId).toEqual(expect.any(String));
    expect(records.find((record) => record.action === "failover.escalated")?.error).toEqual({
      name: "Cancelled",
      message: `cancelled by ${ONCALL}: wrong region, stop it`,
    });
    expect(records.at(-1)).toMatchObject({ action: "failover.cancelled", actor: ONCALL });
    // CloudTrail's event of the stop names the person, as the audit record does.
    expect(
      built.estate.calls.filter((call) => call.operation === "StopExecution").map((call) => call.principal),
    ).toEqual([ONCALL]);
  });

  it("closes a failover waiting for approval as not approved: nothing changed, the question withdrawn", async () => {
    const approvalPlan = testPlan((input) => {
      input.triggers.mode = "approval";
    });
    const { built, controlPlane: deployed, kirikae } = await stage(approvalPlan);
    const [alarm] = approvalPlan.triggers.alarms;
    const detections: Array<Promise<unknown>> = [];
    built.models.cloudwatch.onAlarmStateChange((event) => detections.push(deployed.deliver(event)));
    built.models.cloudwatch.setAlarmState(alarm?.region ?? "", alarm?.name ?? "", "ALARM", "test");
    await Promise.all(detections);
    const clock = built.estate.clock;
    while (!(await clock.busy(() => deployed.state.get("shop"))).pendingApproval) await clock.sleep(10_000);
    const execution = built.models.sfn.all()[0]?.executionArn ?? "";

    const cancelled = await kirikae("cancel", execution, "--reason", "duplicate of INC-7", "--json");

    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({
      ok: true,
      result: "cancelled",
      stoppedNow: true,
      cancelledBy: ONCALL,
      escalation: { status: "aborted" },
    });
    expect(
      built.estate.calls.filter((call) => call.mutating && !["sfn", "lambda"].includes(call.service)),
    ).toEqual([]);
    const state = await deployed.state.get("shop");
    expect([state.lock, state.pendingApproval]).toEqual([undefined, undefined]);
  });

  it("is safe to run again: a second cancel finds nothing left to escalate; a finished run cannot be cancelled", async () => {
    const { built, kirikae, at } = await stage();
    promotionRetrying(built);
    await kirikae("failover", "--plan", "shop", "--reason", "maintenance", ...at);
    const execution = built.models.sfn.all()[0]?.executionArn ?? "";
    await kirikae("cancel", execution, "--reason", "stop");
    const refused = await kirikae("failback", "--plan", "shop", "--reason", "nothing to do", ...at);
    const finished = built.models.sfn.all()[1]?.executionArn ?? "";

    const again = await kirikae("cancel", execution, "--reason", "stop, again");
    const ended = await kirikae("cancel", finished, "--reason", "too late");

    expect(again.code).toBe(0);
    expect(again.stdout).toContain("(it was already stopped)");
    expect(again.stdout).toContain("it held no lock on the plan: there was nothing to escalate");
    expect(refused.code).toBe(1);
    expect(ended.code).toBe(1);
    expect(ended.stderr).toMatch(
      /has already ended \(failed\): nothing to cancel; to move the plan again, start a failover/,
    );
  });

  it("asks before cancelling on a production stage, refuses without a terminal, and goes on with --yes", async () => {
    const production = { env: { KIRIKAE_PRODUCTION_STAGES: SANDBOX_STAGE } };
    const { built, controlPlane: deployed, kirikae, at } = await stage(plan, production);
    promotionRetrying(built);
    await kirikae("failover", "--plan", "shop", "--reason", "maintenance", "--yes", ...at);
    const execution = built.models.sfn.all()[0]?.executionArn ?? "";
    const asked: string[] = [];
    const declining = sandboxCli(
      built,
      deployed,
      ONCALL,
      {},
      { ...production, terminal: terminal("no", asked) },
    );

    const scripted = await kirikae("cancel", execution, "--reason", "stop");
    const declined = await declining("cancel", execution, "--reason", "stop");
    const confirmed = await kirikae("cancel", execution, "--reason", "stop", "--yes");

    expect(scripted.code).toBe(2);
    expect(scripted.stderr).toBe(
      "✗ stage sandbox is production and this changes it, but there is no terminal to confirm on; pass --yes to confirm on the command line (scripts, CI), or run it in a terminal\n",
    );
    expect(declined.code).toBe(1);
    expect(declined.stderr).toMatch(
      /^✗ not confirmed: cancel the failover of plan shop was not started, nothing changed/,
    );
    expect(asked[0]).toMatch(
      /^About to cancel the failover of plan shop\.\n.*\n {2}as arn:aws:iam::111122223333:user\/oncall\n/s,
    );
    expect(confirmed.code).toBe(0);
    expect(built.estate.calls.filter((call) => call.operation === "StopExecution")).toHaveLength(1);
  });
});
