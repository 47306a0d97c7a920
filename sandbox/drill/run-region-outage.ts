import { databaseViews } from "../../core/blocks/block-views.js";
import { KirikaeError } from "../../core/errors.js";
import type { Plan, TriggerAlarm } from "../../core/plan/schema.js";
import { AccountLimiter, type AccountLimits } from "../account-limits.js";
import { accountOf, buildEstate } from "../build-estate.js";
import type { LatencyOverrides } from "../latencies.js";
import { startSandboxControlPlane } from "../sandbox-control-plane.js";
import { seededRandom } from "../seeded-random.js";
import { endpointServes, startTrafficSampler, type TrafficSampler } from "../traffic-sampler.js";
import { routeTriggerAlarms } from "./alarm-routing.js";
import { deliverAsynchronously } from "./async-detector.js";
import { answerDataLossQuestion } from "./data-loss-answers.js";
import { describeWorkflow } from "./describe-workflow.js";
import { checkInvariants } from "./invariants.js";
import { approveWhenAsked } from "./on-call.js";
import { countDecisions, countMutations, runDrill, settle } from "./run-drill.js";
import { findScenario, type Scenario, type ScenarioContext } from "./scenarios.js";
import { type UntouchedCheck, watchUntouched } from "./untouched-plan.js";
import { type RecoveryWatch, startRecoveryWatch, userRto } from "./user-rto.js";

export class RegionOutageError extends KirikaeError {
  constructor(message: string, action: string) {
    super(message, { action });
    this.name = "RegionOutageError";
  }
}

/** One plan the outage reached: its failover as users felt it (sandbox/drill/user-rto.ts) and its invariants. */
export interface FleetPlanResult {
  plan: string;
  activeRegion: string;
  standbyRegion: string;
  /** The failover's end as Step Functions reports it; null when none started. */
  status: string | null;
  /** Why a failover that did not succeed stopped, in the workflow's words. */
  reason: string | null;
  /** Outage start to the trigger alarm. */
  detectionSeconds: number | null;
  /** The alarm to every DNS answer reaching the writer region at the plan's capacity share. */
  recoveryRtoSeconds: number | null;
  /** Outage start to that moment, plus the records' TTL: the figure held to the objective. */
  userVisibleRtoSeconds: number | null;
  objectiveSeconds: number;
  withinObjective: boolean;
  invariants: Record<string, boolean>;
  /** Succeeded, within its RTO objective, every invariant true. */
  ok: boolean;
}

export interface RegionOutageResult {
  /** The region that went dark. */
  region: string;
  ok: boolean;
  plans: FleetPlanResult[];
  /** Plans active elsewhere: each must be left exactly as it was. */
  unaffected: UntouchedCheck[];
  /** The affected plan users waited longest for, set against a drill of that plan alone. */
  slowest: {
    plan: string;
    userVisibleRtoSeconds: number | null;
    /** The same plan's user-visible RTO when its region fails and no other plan's does. */
    singleUserVisibleRtoSeconds: number | null;
    /** slowest / single: what sharing the account's limits with the fleet costs. */
    slowestOverSingle: number | null;
  } | null;
  /** Calls the account's shared quotas refused, by API (sandbox/account-limits.ts). */
  throttled: Record<string, number>;
  /** The most detector and Invoke executions that ran at once (Lambda's concurrency counts these). */
  lambdaPeakConcurrency: number;
  /** The most workflow Task states in flight at once, each one Lambda execution on AWS. */
  taskPeakConcurrency: number;
  detector: Record<string, number>;
  alarmEvents: { delivered: string[]; lost: string[] };
  mutations: Record<string, number>;
  accessDenied: string[];
  startedAt: string;
}

export type FleetProgress =
  | { kind: "dark"; region: string; plans: number; elapsedSeconds: number }
  | { kind: "detected"; plan: string; elapsedSeconds: number }
  | { kind: "recovered" | "failed"; plan: string; status: string; elapsedSeconds: number };

export interface RegionOutageOptions {
  plans: readonly Plan[];
  /** The region that goes dark; default: the one most plans are active in. */
  region?: string;
  seed?: number;
  latencies?: LatencyOverrides;
  /** The account's shared quotas; unset fields keep AWS's defaults (DEFAULT_ACCOUNT_LIMITS). */
  limits?: Partial<AccountLimits>;
  onProgress?: (event: FleetProgress) => void;
  /** Drills the slowest plan alone too, for the ratio (default true). */
  compareWithSingle?: boolean;
}

/**
 * A region outage across a fleet: one account's estate and one control plane hold every plan, the region
 * goes dark, and each plan active there goes through the region-outage scenario at once (its trigger
 * alarms fire after the scenario's detection delay, through the same EventBridge rules and detector as a
 * single drill), all on one virtual clock and under the account's shared quotas. Plans active elsewhere
 * must come out untouched.
 */
export async function runRegionOutage(options: RegionOutageOptions): Promise<RegionOutageResult> {
  const scenario = findScenario("region-outage");
  if (!scenario) throw new Error("the region-outage scenario is missing from sandbox/drill/scenarios.ts");
  const region = options.region ?? busiestRegion(options.plans);
  const affected = options.plans.filter((plan) => plan.activeRegion === region);
  checkFleet(options.plans, region, affected);
  // The first plan names the control plane's region (its standby), so it must be one the outage reaches.
  const plans = [...affected, ...options.plans.filter((plan) => plan.activeRegion !== region)];
  const built = buildEstate(plans, {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.latencies === undefined ? {} : { latencies: options.latencies }),
  });
  const { estate, models } = built;
  const limiter = new AccountLimiter(estate.clock, seededRandom((options.seed ?? 1) + 1), options.limits);
  limiter.attach(estate);
  const startedAt = estate.clock.now();
  const elapsed = () => (estate.clock.now().getTime() - startedAt.getTime()) / 1000;
  const serves = endpointServes(estate, models.route53);
  const watches = new Map<string, { traffic: TrafficSampler; recovery: RecoveryWatch }>();
  for (const plan of affected) {
    const sources = { clock: estate.clock, plan, rds: models.rds, route53: models.route53, serves };
    watches.set(plan.name, {
      traffic: startTrafficSampler(sources),
      recovery: startRecoveryWatch({ ...sources, kubernetes: models.kubernetes }),
    });
  }
  const untouched = plans
    .filter((plan) => plan.activeRegion !== region)
    .map((plan) => watchUntouched(plan, built));
  const controlPlane = await startSandboxControlPlane(built, plans);
  const account = accountOf(plans[0] as Plan);
  limiter.limitDynamoDb(controlPlane.dynamo.client, account, controlPlane.region);
  try {
    const tasks = countTasksInFlight(models.sfn);
    const detections: Array<Promise<unknown>> = [];
    const alarmEvents: RegionOutageResult["alarmEvents"] = { delivered: [], lost: [] };
    const contexts = new Map<string, ScenarioContext>();
    routeTriggerAlarms({
      built,
      detectorName: controlPlane.detectorName,
      isTrigger: (name, alarmRegion) =>
        plans.some((plan) =>
          plan.triggers.alarms.some((alarm) => alarm.name === name && alarm.region === alarmRegion),
        ),
      alarmEvents,
      note: () => undefined,
      deliver: (event) => {
        const delivery = { controlPlane, limiter, clock: estate.clock, account };
        detections.push(
          deliverAsynchronously(delivery, event).then(async (decision) => {
            const context = decision.decision === "started" ? contexts.get(decision.plan) : undefined;
            if (decision.decision !== "started" || !context) return decision;
            options.onProgress?.({ kind: "detected", plan: decision.plan, elapsedSeconds: elapsed() });
            const execution = models.sfn.all().find((run) => run.executionArn === decision.executionArn);
            void execution?.done.then(() => {
              const kind = execution.status === "SUCCEEDED" ? "recovered" : "failed";
              options.onProgress?.({
                kind,
                plan: decision.plan,
                status: execution.status,
                elapsedSeconds: elapsed(),
              });
            });
            // A plan that asks a person (approval, or data loss above the RPO) gets the drill's on-call answer.
            if (context.plan.triggers.mode === "approval") await approveWhenAsked(context);
            if (context.plan.database.dataLoss === "approval-above-rpo")
              await answerDataLossQuestion(context, "approve");
            return decision;
          }),
        );
      },
    });
    for (const plan of affected)
      contexts.set(plan.name, scenarioContext(plan, scenario, built, controlPlane));
    const incidentStartedAt = estate.clock.now();
    options.onProgress?.({ kind: "dark", region, plans: affected.length, elapsedSeconds: 0 });
    // Every affected plan's incident at once: the same outage, each plan's alarms on their own timing.
    await Promise.all([...contexts.values()].map((context) => scenario.incident(context)));
    const decisions = await settle(detections);
    await models.sfn.settled();
    for (const execution of models.sfn.all()) await execution.done;
    const downRegions = estate
      .activeFaults()
      .flatMap((fault) => (fault.kind === "region-down" ? [fault.region] : []));
    const incidentEndedAt = estate.clock.now();
    const records = (
      await Promise.all(
        [...plans.map((plan) => plan.name), "-"].map((name) => controlPlane.audit.chain(name)),
      )
    ).flat();
    const results = affected.map((plan): FleetPlanResult => {
      const watch = watches.get(plan.name) as { traffic: TrafficSampler; recovery: RecoveryWatch };
      const machines = controlPlane.stateMachineArns(plan.name);
      const executions = models.sfn
        .all()
        .filter(
          (execution) =>
            execution.stateMachineArn === machines.failover ||
            execution.stateMachineArn === machines.failback,
        );
      const standbyRegion =
        plan.regions.find((candidate) => candidate !== plan.activeRegion) ?? plan.activeRegion;
      const failover = executions.find((execution) => execution.stateMachineArn === machines.failover);
      const described = failover ? describeWorkflow(failover) : undefined;
      const figures =
        failover && described
          ? userRto({
              plan,
              execution: failover,
              incidentStartedAt,
              spans: watch.recovery.stop(),
              verifiedRtoSeconds: described.verifiedRtoSeconds,
              targetRegion: standbyRegion,
              alarmWindow: (alarmRegion, name) => models.cloudwatch.alarmWindow(alarmRegion, name),
            })
          : undefined;
      const { nonWriterSeconds, reached } = watch.traffic.stop();
      const invariants = checkInvariants({
        traffic: { nonWriterSeconds, reached },
        writers: databaseViews(plan).map((view) =>
          models.rds.writerHistory(view.database.globalClusterIdentifier),
        ),
        // Fleet-wide: every kirikae call needs its audit records, whichever plan's chain holds them.
        calls: estate.calls,
        executions,
        records,
        kirikaePrincipals: Object.values(controlPlane.roles),
        downRegions,
        downUntil: incidentEndedAt,
        expectedExecutions: 1,
      });
      const objectiveSeconds = plan.objectives.rtoMinutes * 60;
      const userVisible = figures?.userVisibleRtoSeconds ?? null;
      const withinObjective = userVisible !== null && userVisible <= objectiveSeconds;
      const succeeded = described?.status === "succeeded";
      return {
        plan: plan.name,
        activeRegion: plan.activeRegion,
        standbyRegion,
        status: described?.status ?? null,
        reason: described?.reason ?? null,
        detectionSeconds: figures?.detectionSeconds ?? null,
        recoveryRtoSeconds: figures?.recoverySeconds ?? null,
        userVisibleRtoSeconds: userVisible,
        objectiveSeconds,
        withinObjective,
        invariants,
        ok: succeeded && withinObjective && Object.values(invariants).every(Boolean),
      };
    });
    const unaffected = untouched.map((watch, index) => {
      const plan = plans[affected.length + index] as Plan;
      const machines = controlPlane.stateMachineArns(plan.name);
      const runs = models.sfn
        .all()
        .filter(
          (execution) =>
            execution.stateMachineArn === machines.failover ||
            execution.stateMachineArn === machines.failback,
        );
      return watch.check(estate.calls, runs.length);
    });
    const slowestPlan = slowestOf(results);
    const single =
      slowestPlan && options.compareWithSingle !== false
        ? await singleDrill(plans.find((plan) => plan.name === slowestPlan.plan) as Plan, scenario, options)
        : null;
    return {
      region,
      ok:
        results.every((result) => result.ok) &&
        unaffected.every((check) => check.untouched) &&
        built.iam.denials.length === 0,
      plans: results,
      unaffected,
      slowest: slowestPlan
        ? {
            plan: slowestPlan.plan,
            userVisibleRtoSeconds: slowestPlan.userVisibleRtoSeconds,
            singleUserVisibleRtoSeconds: single,
            slowestOverSingle:
              single && slowestPlan.userVisibleRtoSeconds !== null
                ? Math.round((slowestPlan.userVisibleRtoSeconds / single) * 1000) / 1000
                : null,
          }
        : null,
      throttled: limiter.throttled(),
      lambdaPeakConcurrency: limiter.peakLambdaConcurrency(),
      taskPeakConcurrency: tasks.peak(),
      detector: countDecisions(decisions),
      alarmEvents,
      mutations: countMutations(estate.calls),
      accessDenied: built.iam.denials.map((denial) => denial.message),
      startedAt: startedAt.toISOString(),
    };
  } finally {
    for (const watch of watches.values()) {
      watch.traffic.stop();
      watch.recovery.stop();
    }
    await controlPlane.stop();
  }
}

/** The region most plans are active in (the first such, in the plans' order, on a tie). */
export function busiestRegion(plans: readonly Plan[]): string {
  const counts = new Map<string, number>();
  for (const plan of plans) counts.set(plan.activeRegion, (counts.get(plan.activeRegion) ?? 0) + 1);
  let best: string | undefined;
  for (const [region, count] of counts)
    if (best === undefined || count > (counts.get(best) ?? 0)) best = region;
  if (best === undefined) throw new RegionOutageError("no plans to drill", "give at least one plan");
  return best;
}

function checkFleet(plans: readonly Plan[], region: string, affected: readonly Plan[]): void {
  const names = new Set<string>();
  for (const plan of plans) {
    if (names.has(plan.name)) {
      throw new RegionOutageError(
        `two plans are named ${plan.name}`,
        "give each plan of the fleet its own name",
      );
    }
    names.add(plan.name);
  }
  if (affected.length === 0) {
    throw new RegionOutageError(
      `no plan is active in ${region}, so its outage reaches none`,
      `name a region some plan is active in (${[...new Set(plans.map((plan) => plan.activeRegion))].join(", ")})`,
    );
  }
  const accounts = new Set(plans.map((plan) => accountOf(plan)));
  if (accounts.size > 1) {
    throw new RegionOutageError(
      `the plans name resources in ${accounts.size} AWS accounts (${[...accounts].join(", ")}); the fleet's drill models one account's shared limits`,
      "drill each account's plans separately",
    );
  }
}

function scenarioContext(
  plan: Plan,
  scenario: Scenario,
  built: ReturnType<typeof buildEstate>,
  controlPlane: Awaited<ReturnType<typeof startSandboxControlPlane>>,
): ScenarioContext {
  const setTriggers = (
    state: "ALARM" | "OK",
    reason: string,
    alarms: readonly TriggerAlarm[] = plan.triggers.alarms,
  ) => {
    for (const alarm of alarms)
      built.models.cloudwatch.setAlarmState(alarm.region, alarm.name, state, reason);
  };
  return {
    plan,
    built,
    controlPlane,
    standbyRegion: plan.regions.find((region) => region !== plan.activeRegion) ?? plan.activeRegion,
    fireAlarm: (alarms) => setTriggers("ALARM", `drill: ${scenario.name}`, alarms),
    clearAlarm: () => setTriggers("OK", "drill: recovered"),
    // The fleet's outage delivers each event once; storms are the single drill's duplicate-storm scenario.
    redeliverAlarm: () => undefined,
    note: () => undefined,
  };
}

/**
 * Task states in flight across every execution, each a Lambda execution on AWS: the fleet's draw on the
 * account's concurrency. (The local runner invokes task handlers itself, so this counts them rather than
 * holding them to the limit.)
 */
function countTasksInFlight(sfn: ReturnType<typeof buildEstate>["models"]["sfn"]) {
  const inFlight = new Set<string>();
  let peak = 0;
  sfn.onStep((event) => {
    const key = `${event.execution}/${event.state}`;
    if (event.phase === "started") inFlight.add(key);
    else inFlight.delete(key);
    peak = Math.max(peak, inFlight.size);
  });
  return { peak: () => peak };
}

function slowestOf(results: readonly FleetPlanResult[]): FleetPlanResult | undefined {
  // A plan never recovered is the slowest of all.
  const rto = (result: FleetPlanResult) => result.userVisibleRtoSeconds ?? Number.POSITIVE_INFINITY;
  let slowest: FleetPlanResult | undefined;
  for (const result of results) if (!slowest || rto(result) > rto(slowest)) slowest = result;
  return slowest;
}

/** The plan's region-outage drill on its own: the figure the fleet's slowest is compared with. */
async function singleDrill(
  plan: Plan,
  scenario: Scenario,
  options: RegionOutageOptions,
): Promise<number | null> {
  const result = await runDrill({
    plan,
    scenario,
    failback: false,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.latencies === undefined ? {} : { latencies: options.latencies }),
  });
  return result.workflows.find((workflow) => workflow.kind === "failover")?.userVisibleRtoSeconds ?? null;
}
