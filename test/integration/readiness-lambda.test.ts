import type { Context } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { CloudWatchMetrics } from "../../adapters/aws/cloudwatch-metrics.js";
import { RecordingNotifier } from "../../adapters/recording-notifier.js";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import type { PlanReadiness } from "../../core/readiness/check-deployed-plans.js";
import { type CheckReadinessDeps, createCheckReadinessHandler } from "../../functions/check-readiness.js";
import { runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario } from "../../sandbox/drill/scenarios.js";
import { clientProvider, SANDBOX_STAGE } from "../../sandbox/sandbox-control-plane.js";
import { exampleEstate } from "../support/readiness-sandbox.js";

/** The control plane runs in the standby region; its metric and its alarm live there. */
const CONTROL_PLANE_REGION = "ap-southeast-1";
const ROLE = "arn:aws:sts::111122223333:assumed-role/kirikae-sandbox-readiness/kirikae-check-readiness";
/** What EventBridge Scheduler delivers every 30 minutes; the handler needs nothing from it. */
const SCHEDULED_EVENT = { source: "aws.scheduler", "detail-type": "Scheduled Event", detail: {} };

async function scheduledCheck() {
  const { plan, built } = await exampleEstate();
  const clients = clientProvider(built.estate, ROLE);
  const notifier = new RecordingNotifier();
  const handler = createCheckReadinessHandler(() => ({
    plans: [plan],
    clients,
    clock: built.estate.clock,
    notifier,
    metrics: new CloudWatchMetrics(clients, CONTROL_PLANE_REGION),
    // Nothing has moved the plan: it is where its plan file says.
    state: { get: async (name: string) => ({ plan: name }) },
    stage: SANDBOX_STAGE,
  }));
  const run = () => handler(SCHEDULED_EVENT, lambdaContext()) as Promise<PlanReadiness[]>;
  const published = () =>
    built.models.cloudwatch.publishedValues(CONTROL_PLANE_REGION, "Kirikae", "ReadinessGaps", {
      Plan: "shop",
    });
  return { plan, built, notifier, run, published };
}

describe("scheduled readiness check Lambda", () => {
  it("publishes a gap count of 0 for a ready plan and notifies nobody", async () => {
    const { run, published, notifier } = await scheduledCheck();

    const results = await run();

    expect(results).toEqual([
      { plan: "shop", summary: { checks: 23, passed: 23, gaps: 0, unreachable: 0 }, gaps: [] },
    ]);
    expect(published()).toEqual([0]);
    expect(notifier.sent).toEqual([]);
  });

  it("publishes the number of gaps and notifies each one with what to do", async () => {
    const { plan, built, run, published, notifier } = await scheduledCheck();
    built.models.eks.setNodegroupMax("ap-southeast-1", "shop-singapore", "web", 4);
    built.models.rds.setReplicationLag(plan.database.members["ap-southeast-1"] ?? "", 10 * 60_000);

    await run();

    expect(published()).toEqual([2]);
    expect(notifier.sent).toHaveLength(1);
    const [notification] = notifier.sent;
    expect(notification?.subject).toBe("kirikae: shop has 2 readiness gaps");
    expect(notification?.message).toContain(
      "✗ compute.nodegroup ap-southeast-1 shop-singapore/web: expected max ≥ 6 (its active size), found max 4, desired 2, ACTIVE",
    );
    expect(notification?.message).toContain("  what to do: raise its max size");
    expect(notification?.message).toContain("✗ database.lag ap-southeast-1");
    expect(notification?.details).toMatchObject({ plan: "shop", summary: { gaps: 2 } });
  });

  it("publishes again on the next run, so the alarm clears once the drift is fixed", async () => {
    const { built, run, published } = await scheduledCheck();
    built.models.eks.setNodegroupMax("ap-southeast-1", "shop-singapore", "web", 4);
    await run();

    built.models.eks.setNodegroupMax("ap-southeast-1", "shop-singapore", "web", 10);
    await run();

    expect(published()).toEqual([1, 0]);
  });

  it("notifies, publishes nothing and fails the invocation when the check is denied a read", async () => {
    const { built, run, published, notifier } = await scheduledCheck();
    built.estate.addFault({
      kind: "fail",
      operation: "DescribeGlobalClusters",
      times: 10,
      error: "AccessDenied",
    });

    await expect(run()).rejects.toThrow("the readiness check could not run for shop");

    expect(published()).toEqual([]);
    expect(notifier.sent).toEqual([
      expect.objectContaining({
        subject: "kirikae: the readiness check of shop could not run",
        message: expect.stringContaining("access denied: rds:DescribeGlobalClusters on shop-global"),
      }),
    ]);
  });

  it("checks a plan that kirikae failed over as it now runs, not as drift", async () => {
    let results: PlanReadiness[] = [];
    let asInThePlanFile: PlanReadiness[] = [];
    const scenario = findScenario("degraded-primary");
    if (!scenario) throw new Error("scenario missing");
    const plan = await loadPlanFile("examples/tokyo-singapore.plan.json");

    await runDrill({
      plan,
      scenario,
      failback: false,
      afterwards: async ({ built, controlPlane }) => {
        // Tokyo's application has recovered since; the plan still runs in Singapore until a failback.
        for (const target of Object.values(plan.dns.records[0]?.targets ?? {})) {
          if (target.healthCheckId) built.models.route53.setEndpointHealth(target.healthCheckId, true);
        }
        const clients = clientProvider(built.estate, ROLE);
        const deps = {
          plans: [plan],
          clients,
          clock: built.estate.clock,
          notifier: new RecordingNotifier(),
          metrics: new CloudWatchMetrics(clients, CONTROL_PLANE_REGION),
          state: controlPlane.state,
          stage: SANDBOX_STAGE,
        };
        const check = (state: CheckReadinessDeps["state"]) =>
          built.estate.clock.busy(
            () =>
              createCheckReadinessHandler(() => ({ ...deps, state }))(
                SCHEDULED_EVENT,
                lambdaContext(),
              ) as Promise<PlanReadiness[]>,
          );
        results = await check(controlPlane.state);
        asInThePlanFile = await check({ get: async (name: string) => ({ plan: name }) });
      },
    });

    expect(results).toEqual([expect.objectContaining({ gaps: [] })]);
    const [planFileView] = asInThePlanFile;
    expect(planFileView && "gaps" in planFileView ? planFileView.gaps.length : 0).toBeGreaterThan(0);
  });
});

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "kirikae-sandbox-checkReadiness",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:ap-southeast-1:111122223333:function:kirikae-sandbox-checkReadiness",
    memoryLimitInMB: "256",
    awsRequestId: "test",
    logGroupName: "/aws/lambda/kirikae-sandbox-checkReadiness",
    logStreamName: "test",
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
