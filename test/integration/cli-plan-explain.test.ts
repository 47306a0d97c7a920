import { describe, expect, it } from "vitest";
import type { PlanExplanation } from "../../cli/plan-explanation.js";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import { runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario } from "../../sandbox/drill/scenarios.js";
import { runKirikae } from "../support/run-kirikae.js";

const TOKYO = "examples/tokyo-singapore.plan.json";
const WEIGHTED = "test/support/weighted-record-edits.plan.ts";
const VIRGINIA = "examples/virginia-oregon.plan.json";
const BROKEN = "examples/broken.plan.json";

const kirikae = (...argv: string[]) => runKirikae(argv);

/** The numbered steps of one workflow's section of the human output: "3a. Promote ...". */
function steps(stdout: string, heading: string): string[] {
  const section = stdout.split("\n\n").find((block) => block.startsWith(heading)) ?? "";
  return [...section.matchAll(/^ {2}(\d+[a-z]?\.) +(.+)$/gm)].map((match) => `${match[1]} ${match[2]}`);
}

async function explained(file: string): Promise<PlanExplanation> {
  const result = await kirikae("plan", "explain", file, "--json");
  expect(result).toMatchObject({ code: 0, stderr: "" });
  return JSON.parse(result.stdout) as PlanExplanation;
}

describe("kirikae plan explain", () => {
  it("lists the Tokyo failover and failback in order, each step from the plan's own resources", async () => {
    const result = await kirikae("plan", "explain", TOKYO);

    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(steps(result.stdout, "Failover:")).toEqual([
      "1. Accept the request and take the plan's lock",
      "2. Pre-checks in ap-southeast-1",
      "3a. Promote shop-singapore to writer (in parallel)",
      "3b. Scale up the nodegroups (in parallel)",
      "4. Switch traffic to ap-southeast-1 (failover routing, by gates)",
      "5. Verify recovery",
      "6. Record the outcome",
    ]);
    expect(steps(result.stdout, "Failback")).toEqual([
      "1. Accept the request and take the plan's lock",
      "2. Pre-checks in ap-northeast-1",
      "3. Scale up the returning region first",
      "4. Switch the database over",
      "5. Switch traffic to ap-northeast-1 (failover routing, by gates)",
      "6. Verify recovery",
      "7. Scale down the region left, last",
      "8. Record the outcome",
    ]);
    for (const line of [
      "      - database.lag: its replication lag (AuroraGlobalDBRPOLag) is within the RPO of 5 min",
      "      - compute.nodegroup.web: nodegroup web exists and its max size in EKS is at least its active size 6",
      "      The old primary is looked at from every side (its RDS API, its health checks, the lag) and the decision recorded with that evidence; while the evidence disagrees the step waits (up to 5 min, within the rollback trigger):",
      "      - switchover (SwitchoverGlobalCluster, sent to the old primary's region, no data loss) when shop-tokyo answers with a healthy status (probed each look, 3 s timeout): modelled 75 s",
      "      - failover (FailoverGlobalCluster with AllowDataLoss=true, sent to ap-southeast-1, loses at most the recorded lag) when shop-tokyo is judged down on agreeing evidence and the lag read then is known and within the RPO (5 min): modelled 60 s",
      "      - web: 2 → 6 nodes, modelled 180 s",
      "      - worker: 1 → 3 nodes, modelled 150 s",
      "      - app.example.com CNAME: singapore (shop-singapore-alb-654321.ap-southeast-1.elb.amazonaws.com) gate opened, tokyo gate closed",
      "      - web: 6 → 2 nodes, modelled 60 s",
      "  Critical path, when the old primary's region is down (failover with AllowDataLoss): max(hold + promotion 90 s, capacity at 50% 135 s) + gate propagation 10 s = 145 s",
      "      expected RTO 2 min 25 s against an objective of 15 min 0 s: within it, 12 min 35 s to spare",
      "  Critical path, when the old primary still answers (switchover): max(hold + promotion 105 s, capacity at 50% 135 s) + gate propagation beyond the switchover 0 s = 135 s",
      "  Critical path, when shop-tokyo kept its active sizes: switchover 75 s + gate propagation beyond the switchover 0 s = 75 s",
    ]) {
      expect(result.stdout.split("\n")).toContain(line);
    }
  });

  it("explains the weighted plan: approval before anything changes, weights moved, no failover with data loss", async () => {
    const result = await kirikae("plan", "explain", WEIGHTED);

    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(steps(result.stdout, "Failover:").slice(2, 5)).toEqual([
      "3. Wait for approval (triggers.mode is approval)",
      "4a. Promote payments-ireland to writer (in parallel)",
      "4b. Scale up the nodegroups (in parallel)",
    ]);
    const lines = result.stdout.split("\n");
    expect(lines).toContain(
      "      - api.payments.example.com A: ireland (198.51.100.20) gets weight 100, oregon weight 0",
    );
    expect(lines).toContain(
      '      - when payments-oregon is down: no failover, since database.dataLoss is "never"; the run stops and escalates, DNS untouched',
    );
    expect(lines.filter((line) => line.startsWith("  Critical path, when the old primary"))).toEqual([
      "  Critical path, when the old primary still answers (switchover), plus the time a person takes to approve: hold 120 s + max(promotion 75 s, scale-up 180 s) + DNS propagation 60 s = 360 s",
    ]);
    // The first version's custom step runs now, as a block after the promotion.
    expect(result.stdout).toMatch(/warm-caches \[lambda\] after database: run Lambda/);
    expect(result.stdout).toMatch(
      /failover: database \+ nodegroups {2}-> {2}traffic \+ warm-caches {2}-> {2}verify/,
    );
  });

  it("prints one JSON document whose steps, sizes and estimates scripts can read", async () => {
    const explanation = await explained(TOKYO);

    expect(explanation.plan).toMatchObject({
      name: "shop",
      activeRegion: "ap-northeast-1",
      standbyRegion: "ap-southeast-1",
    });
    expect(explanation.failover.steps.map((step) => [step.number, step.id])).toEqual([
      ["1", "accept"],
      ["2", "precheck"],
      ["3a", "promote-database"],
      ["3b", "scale-up"],
      ["4", "switch-traffic"],
      ["5", "verify"],
      ["6", "outcome"],
    ]);
    const scaleUp = explanation.failover.steps.find((step) => step.id === "scale-up");
    expect(scaleUp?.nodegroups).toEqual([
      {
        name: "web",
        fromSize: 2,
        toSize: 6,
        seconds: 180,
        region: "ap-southeast-1",
        cluster: "shop-singapore",
      },
      {
        name: "api",
        fromSize: 2,
        toSize: 4,
        seconds: 150,
        region: "ap-southeast-1",
        cluster: "shop-singapore",
      },
      {
        name: "worker",
        fromSize: 1,
        toSize: 3,
        seconds: 150,
        region: "ap-southeast-1",
        cluster: "shop-singapore",
      },
    ]);
    expect(explanation.failover.criticalPaths.map((path) => [path.seconds, path.withinObjective])).toEqual([
      [145, true],
      [135, true],
    ]);
    expect(explanation.failback.criticalPaths.map((path) => path.seconds)).toEqual([75, 255]);
  });

  it("starts the critical paths at the first alarm that can arrive, and says when detection eats the RPO", async () => {
    const tokyo = await explained(TOKYO);
    const oregon = await kirikae("plan", "explain", "examples/oregon-ireland.plan.ts");

    // The canary from Singapore, 3 x 10 s plus its evaluation; Tokyo's own alarm never arrives.
    expect(tokyo.detection).toMatchObject({
      alarm: "shop-tokyo-canary-from-singapore",
      region: "ap-southeast-1",
      seconds: 35,
      withinRpo: true,
    });
    // payments-api: an alarm kept elsewhere (90 s assumed) plus a 120 s hold, against an RPO of 1 min.
    expect(oregon.stdout).toContain(
      "detection plus the 2 min 0 s hold is 3 min 30 s, not under the RPO of 1 min 0 s: the lag grows from the outage on, so a failover with data loss would wait for a person's approval",
    );
  });

  it("expects the RTO a drill of the same plan achieves, give or take kirikae's own overhead", async () => {
    const explanation = await explained(TOKYO);
    const scenario = findScenario("region-outage");
    if (!scenario) throw new Error("scenario missing");

    const drill = await runDrill({ plan: await loadPlanFile(TOKYO), scenario });

    // The path runs from the alarm to users sent to the new writer: the drill's recovery, read on DNS.
    const expected = explanation.failover.criticalPaths[0]?.seconds ?? Number.NaN;
    const achieved = drill.workflows[0]?.recoverySeconds ?? Number.NaN;
    expect(achieved).toBeGreaterThanOrEqual(expected);
    // kirikae's own overhead: its 10 s capacity polls and its calls.
    expect(achieved - expected).toBeLessThanOrEqual(15);
  });

  it("says where each step's AWS calls go, and that a gated failover needs nothing in the region it leaves", async () => {
    const result = await kirikae("plan", "explain", VIRGINIA);

    expect(result).toMatchObject({ code: 0, stderr: "" });
    const section = result.stdout.split("\n\n").find((block) => block.startsWith("Failover calls")) ?? "";
    const lines = section.split("\n");
    expect(lines).toContain("    Pre-checks (runs in us-west-2)");
    expect(lines).toContain(
      "      advisory  us-east-1       route53:GetHealthCheckStatus: the target's health checks: unhealthy stops the run; no answer is recorded and does not",
    );
    expect(lines).toContain(
      "      critical  any one of us-east-1, us-west-2, eu-west-1, ap-northeast-1, ap-southeast-2, tried in turn: route53-recovery-cluster:UpdateRoutingControlStates",
    );
    expect(lines.at(-1)).toBe(
      "  On the critical path: only us-west-2's regional APIs and data planes; nothing in us-east-1 (the region being left), Route 53's API included.",
    );
  });

  it("says plainly when a failover depends on us-east-1's Route 53 API", async () => {
    const result = await kirikae("plan", "explain", WEIGHTED);

    const lines = result.stdout.split("\n");
    expect(lines).toContain(
      "    ! Switch traffic: route53:ListResourceRecordSets, route53:ChangeResourceRecordSets, route53:GetChange in us-east-1: depends on us-east-1's Route 53 API",
    );
    expect(result.stdout).toMatch(
      /- dns\.gates is not set, so traffic moves by record edits: the failover depends on us-east-1's Route 53 API/,
    );
  });

  it("carries each step's calls and the critical ones beyond the recovery region in the JSON", async () => {
    const explanation = await explained(TOKYO);

    const precheck = explanation.failover.calls.find((step) => step.step === "Pre-checks");
    expect(precheck?.calls).toContainEqual({
      action: "route53:GetHealthCheckStatus",
      region: "us-east-1",
      critical: false,
      note: "the target's health checks: unhealthy stops the run; no answer is recorded and does not",
    });
    expect(precheck?.calls.filter((call) => call.critical).map((call) => call.region)).not.toContain(
      "ap-northeast-1",
    );
    expect(explanation.failover.dependencies).toEqual([]);
    expect(explanation.failback.dependencies.map((dependency) => dependency.step)).toContain(
      "Scale down nodegroups",
    );
  });

  it("lists every problem of an invalid plan exactly as plan validate does, and exits 2: nothing to explain", async () => {
    const validate = await kirikae("plan", "validate", BROKEN);

    const result = await kirikae("plan", "explain", BROKEN);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(validate.stderr);
    expect(result.stderr).toContain("10 problems found");
  });

  it("reports an invalid plan as a JSON document of its issues with --json, and exits 2", async () => {
    const result = await kirikae("plan", "explain", BROKEN, "--json");

    expect(result).toMatchObject({ code: 2, stderr: "" });
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: false, file: BROKEN });
    expect(report.issues).toHaveLength(10);
  });

  it("says the file argument is missing, through the injected writers", async () => {
    const result = await kirikae("plan", "explain");

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: missing required argument 'file'");
  });
});
