import type { Plan, TriggerAlarm } from "../../core/plan/schema.js";
import { alarmSchedule } from "../alarm-detection.js";
import type { BuildEstateOptions, BuiltEstate } from "../build-estate.js";
import { DEFAULT_LATENCIES, detectionDelayMs } from "../latencies.js";
import type { SandboxControlPlane } from "../sandbox-control-plane.js";

/** "cleared": a workflow starts, finds the alarm left ALARM within the hold, and ends with nothing changed. */
export type ExpectedOutcome = "succeeded" | "aborted" | "escalated" | "cleared" | "none";

export interface ScenarioContext {
  plan: Plan;
  built: BuiltEstate;
  controlPlane: SandboxControlPlane;
  standbyRegion: string;
  /** Sets the plan's trigger alarms (all, or those given) to ALARM, as CloudWatch would. */
  fireAlarm(alarms?: readonly TriggerAlarm[]): void;
  /** Sets the first alarm back to OK. */
  clearAlarm(): void;
  /** Delivers the last alarm event again (EventBridge delivers at least once; storms happen). */
  redeliverAlarm(times: number): void;
  /** Tells the person watching what just happened to the estate. */
  note(text: string): void;
}

export interface Scenario {
  name: string;
  summary: string;
  expect: ExpectedOutcome;
  /** Expected database promotion, when the run gets that far. */
  expectMode?: "switchover" | "failover";
  estateOptions?(plan: Plan): BuildEstateOptions;
  /** The incident takes Route 53's API down: only a plan that moves traffic by gates can succeed. */
  route53ApiDown?: boolean;
  /**
   * Only a failover losing more than the RPO is left: under `dataLoss: "approval-above-rpo"` the run asks,
   * and ends as the on-call engineer answers (approved: a data-loss failover that succeeds).
   */
  lossAboveRpo?: boolean;
  incident(context: ScenarioContext): Promise<void>;
}

/**
 * What a scenario should end in for this plan. An outage that leaves only a failover with data loss
 * must end in escalation when the plan forbids data loss: refusing is the correct, safe outcome.
 */
export function expectedOutcome(
  scenario: Scenario,
  plan: Plan,
  dataLossAnswer: "approve" | "reject" | "ignore" = "approve",
): { outcome: ExpectedOutcome; mode?: "switchover" | "failover" } {
  if (
    scenario.lossAboveRpo &&
    plan.database.dataLoss === "approval-above-rpo" &&
    dataLossAnswer === "approve"
  ) {
    return { outcome: "succeeded", mode: "failover" };
  }
  if (
    scenario.expectMode === "failover" &&
    plan.database.dataLoss === "never" &&
    scenario.expect === "succeeded"
  ) {
    return { outcome: "escalated" };
  }
  // Record edits need Route 53's API; without it the switch cannot happen and the workflow escalates.
  if (scenario.route53ApiDown && plan.dns.gates === undefined && scenario.expect === "succeeded") {
    return { outcome: "escalated" };
  }
  return { outcome: scenario.expect, ...(scenario.expectMode ? { mode: scenario.expectMode } : {}) };
}

/**
 * How long Route 53 takes to call an endpoint unhealthy with the table's defaults: 30 s checks, failure
 * threshold 3; what an alarm kept outside the plan is assumed to take (sandbox/alarm-detection.ts).
 */
export const DETECTION_DELAY_MS = detectionDelayMs(DEFAULT_LATENCIES);

/**
 * Fires each trigger alarm when its own definition says it would after the fault began (its periods and
 * evaluation, sandbox/alarm-detection.ts), the fastest first; resolves once the last has fired. Returns
 * how long after the call the first alarm fired.
 */
async function alarmsFireAsDefined(context: ScenarioContext): Promise<number> {
  const schedule = alarmSchedule(context.plan, context.built.latencies);
  let elapsed = 0;
  for (const detection of schedule) {
    await context.built.estate.clock.sleep(detection.ms - elapsed);
    elapsed = detection.ms;
    context.fireAlarm([detection.alarm]);
  }
  return schedule[0]?.ms ?? 0;
}

async function regionOutage(context: ScenarioContext): Promise<void> {
  context.built.estate.addFault({ kind: "region-down", region: context.plan.activeRegion });
  context.note(`${context.plan.activeRegion} stops answering`);
  await alarmsFireAsDefined(context);
}

/** The active region's application endpoints fail their health checks while its database still answers. */
function failActiveEndpoints(context: ScenarioContext): void {
  const { plan } = context;
  for (const record of plan.dns.records) {
    const check = record.targets[plan.activeRegion]?.healthCheckId;
    if (check !== undefined) context.built.models.route53.setEndpointHealth(check, false);
  }
  context.note(`the application in ${plan.activeRegion} fails its health checks; its database still answers`);
}

/** How long the drill watches the old region after it returns: past Aurora's fencing and rebuild. */
const WATCH_RETURN_MS = 9 * 60_000;

/**
 * After a data-loss failover, the failed region comes back before anyone fails back: Aurora may let its
 * old primary take writes for a while (fencing is best effort), so nothing may send users there. Its gate
 * (or its record, in record-edit mode) still points away from it, and the drill watches past the rebuild.
 */
async function oldPrimaryReturns(context: ScenarioContext): Promise<void> {
  const { built, plan } = context;
  const clock = built.estate.clock;
  await regionOutage(context);
  const deadline = clock.now().getTime() + plan.timeouts.rollbackAfterMinutes * 60_000 + 10 * 60_000;
  const ended = () => built.models.sfn.all().some((execution) => execution.status !== "RUNNING");
  while (!ended() && clock.now().getTime() < deadline) await clock.sleep(15_000);
  built.estate.removeFaults((fault) => fault.kind === "region-down" && fault.region === plan.activeRegion);
  context.note(
    `${plan.activeRegion} answers again: its old primary may take writes until Aurora fences it and rebuilds it as a secondary`,
  );
  await clock.sleep(WATCH_RETURN_MS);
  const writer = built.models.rds.writerOf(plan.database.globalClusterIdentifier);
  context.note(
    `${plan.activeRegion} has rejoined as a secondary; the writer is in ${writer?.region ?? "no region"}`,
  );
}

/** How long the old primary's RDS API stays silent in `slow-primary-api`, while the cluster itself is fine. */
export const SLOW_PRIMARY_API_MS = 4 * 60_000;

/**
 * Scenarios of issue 11's evidence-based promotion and data-loss policy. Appended to `scenarios` below so
 * each part of the issue keeps its own list.
 */
export const promotionScenarios: readonly Scenario[] = [
  {
    name: "slow-primary-api",
    summary:
      "the application in the active region fails its health checks and the old primary's RDS API times out for 4 minutes, while the primary replicates and takes writes: no data-loss failover; a switchover once its API answers",
    expect: "succeeded",
    expectMode: "switchover",
    async incident(context) {
      const { plan, built } = context;
      built.estate.addFault({ kind: "api-down", service: "rds", region: plan.activeRegion });
      context.note(
        `the RDS API in ${plan.activeRegion} stops answering; the cluster itself still replicates`,
      );
      failActiveEndpoints(context);
      const started = built.estate.clock.now().getTime();
      await alarmsFireAsDefined(context);
      const elapsed = built.estate.clock.now().getTime() - started;
      await built.estate.clock.sleep(Math.max(0, SLOW_PRIMARY_API_MS - elapsed));
      built.estate.removeFaults((fault) => fault.kind === "api-down" && fault.service === "rds");
      context.note(`the RDS API in ${plan.activeRegion} answers again`);
    },
  },
  {
    name: "lag-growing",
    summary:
      "replication already lags 4 minutes when the active region goes dark, and the lag keeps growing past the RPO while the alarm holds: the plan's dataLoss policy decides (within-rpo and never: escalate; approval-above-rpo: the failover pauses and asks the on-call engineer, who accepts the stated lag in the drill)",
    expect: "escalated",
    lossAboveRpo: true,
    async incident(context) {
      const arn = context.plan.database.members[context.standbyRegion] ?? "";
      const startLagMs = Math.max(0, context.plan.objectives.rpoMinutes * 60_000 - 60_000);
      context.built.models.rds.setReplicationLag(arn, startLagMs);
      context.note(`replication to ${context.standbyRegion} lags ${startLagMs / 1000} s, inside the RPO`);
      await regionOutage(context);
      context.note("the lag grows as long as the region stays dark");
    },
  },
  {
    name: "autoscaler",
    summary:
      "a Cluster Autoscaler had raised a standby nodegroup above its active size: the failover raises minSize and scales nothing down",
    expect: "succeeded",
    expectMode: "switchover",
    async incident(context) {
      const { cluster, nodegroup } = standbyNodegroup(context);
      if (cluster && nodegroup) {
        const wants = Math.min(nodegroup.maxSize, nodegroup.activeSize + 2);
        context.built.models.eks.setAutoscaler(context.standbyRegion, cluster.name, nodegroup.name, wants);
        context.note(
          `an autoscaler holds ${cluster.name}/${nodegroup.name} at ${wants} nodes (active size ${nodegroup.activeSize})`,
        );
      }
      failActiveEndpoints(context);
      await alarmsFireAsDefined(context);
    },
  },
  {
    name: "slow-nodes",
    summary:
      "new nodes become Ready minutes after their nodegroup is ACTIVE: traffic waits for the plan's capacity fraction (compute.trafficAtCapacity)",
    expect: "succeeded",
    expectMode: "switchover",
    estateOptions: () => ({ eksTimings: { scaleBaseMs: 6 * 60_000, scalePerNodeMs: 60_000 } }),
    async incident(context) {
      context.note("new nodes take 6 min to become Ready, then one a minute");
      failActiveEndpoints(context);
      await alarmsFireAsDefined(context);
    },
  },
];

function standbyNodegroup(context: ScenarioContext) {
  const cluster = context.plan.compute.clusters.find(
    (candidate) => candidate.region === context.standbyRegion,
  );
  return { cluster, nodegroup: cluster?.nodegroups[0] };
}

export const scenarios: readonly Scenario[] = [
  {
    name: "region-outage",
    summary:
      "the active region goes dark; the standby is promoted with a failover (data loss bounded by lag)",
    expect: "succeeded",
    expectMode: "failover",
    incident: regionOutage,
  },
  {
    name: "degraded-primary",
    summary: "the active region is unhealthy but its database still answers: a switchover, no data loss",
    expect: "succeeded",
    expectMode: "switchover",
    async incident(context) {
      failActiveEndpoints(context);
      await alarmsFireAsDefined(context);
    },
  },
  {
    name: "control-plane-outage",
    summary:
      "Route 53's API in us-east-1 is impaired while both regions answer, and the active region's health check fails: a switchover, traffic moved by gates",
    expect: "succeeded",
    expectMode: "switchover",
    route53ApiDown: true,
    async incident(context) {
      context.built.estate.addFault({ kind: "api-down", service: "route53", region: "us-east-1" });
      context.note("Route 53's API (us-east-1) stops answering; DNS answers and health checkers go on");
      failActiveEndpoints(context);
      await alarmsFireAsDefined(context);
    },
  },
  {
    name: "flapping-alarm",
    summary:
      "the alarm fires and clears within the hold time: the workflow it starts finds the signal cleared and ends, nothing changed (a plan that scales up during the hold puts that back first)",
    expect: "cleared",
    async incident(context) {
      context.fireAlarm();
      await context.built.estate.clock.sleep((context.plan.triggers.holdSeconds * 1000) / 2);
      context.clearAlarm();
    },
  },
  {
    name: "duplicate-storm",
    summary: "100 duplicate alarm events arrive at once during an outage: exactly one failover",
    expect: "succeeded",
    expectMode: "failover",
    async incident(context) {
      await regionOutage(context);
      context.redeliverAlarm(99);
      context.note("the alarm event is delivered 99 more times");
    },
  },
  {
    name: "dr-not-ready",
    summary:
      "a standby nodegroup's max size is below its active size: pre-checks stop the failover, nothing changes",
    expect: "aborted",
    async incident(context) {
      const cluster = context.plan.compute.clusters.find(
        (candidate) => candidate.region === context.standbyRegion,
      );
      const [nodegroup] = cluster?.nodegroups ?? [];
      if (cluster && nodegroup) {
        context.built.models.eks.setNodegroupMax(
          context.standbyRegion,
          cluster.name,
          nodegroup.name,
          nodegroup.activeSize - 1,
        );
      }
      await regionOutage(context);
    },
  },
  {
    name: "lag-beyond-rpo",
    summary:
      "replication lag already exceeds the RPO when the region goes dark: no data-loss failover beyond the RPO; the run escalates, DNS untouched (under approval-above-rpo it asks, and fails over once approved)",
    expect: "escalated",
    lossAboveRpo: true,
    async incident(context) {
      const arn = context.plan.database.members[context.standbyRegion] ?? "";
      context.built.models.rds.setReplicationLag(arn, context.plan.objectives.rpoMinutes * 60_000 + 60_000);
      context.note(`replication lag to ${context.standbyRegion} grows past the RPO`);
      await regionOutage(context);
    },
  },
  {
    name: "throttled",
    summary:
      "30% of AWS calls are throttled during an outage: retries with backoff still finish the failover",
    expect: "succeeded",
    expectMode: "failover",
    async incident(context) {
      context.built.estate.addFault({ kind: "throttle", rate: 0.3 });
      context.note("30% of AWS calls are throttled from now on");
      await regionOutage(context);
    },
  },
  {
    name: "old-primary-returns",
    summary:
      "after a data-loss failover the old region comes back: its old primary is fenced late, and it takes no traffic and no writes",
    expect: "succeeded",
    expectMode: "failover",
    incident: oldPrimaryReturns,
  },
  {
    name: "stuck-promotion",
    summary: "the promotion never completes: at the rollback trigger the workflow escalates, DNS untouched",
    expect: "escalated",
    estateOptions: () => ({ rdsTimings: { failoverMs: 6 * 3600_000, switchoverMs: 6 * 3600_000 } }),
    incident: regionOutage,
  },
  ...promotionScenarios,
];

export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((scenario) => scenario.name === name);
}
