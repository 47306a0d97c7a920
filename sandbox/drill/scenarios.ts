import type { Plan } from "../../core/plan/schema.js";
import type { BuildEstateOptions, BuiltEstate } from "../build-estate.js";
import type { SandboxControlPlane } from "../sandbox-control-plane.js";

/** "cleared": a workflow starts, finds the alarm left ALARM within the hold, and ends with nothing changed. */
export type ExpectedOutcome = "succeeded" | "aborted" | "escalated" | "cleared" | "none";

export interface ScenarioContext {
  plan: Plan;
  built: BuiltEstate;
  controlPlane: SandboxControlPlane;
  standbyRegion: string;
  /** Fires the plan's first alarm, as CloudWatch would; the event reaches the detector. */
  fireAlarm(): void;
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
  incident(context: ScenarioContext): Promise<void>;
}

/**
 * What a scenario should end in for this plan. An outage that leaves only a failover with data loss
 * must end in escalation when the plan forbids data loss: refusing is the correct, safe outcome.
 */
export function expectedOutcome(
  scenario: Scenario,
  plan: Plan,
): { outcome: ExpectedOutcome; mode?: "switchover" | "failover" } {
  if (scenario.expectMode === "failover" && !plan.database.allowDataLoss && scenario.expect === "succeeded") {
    return { outcome: "escalated" };
  }
  // Record edits need Route 53's API; without it the switch cannot happen and the workflow escalates.
  if (scenario.route53ApiDown && plan.dns.gates === undefined && scenario.expect === "succeeded") {
    return { outcome: "escalated" };
  }
  return { outcome: scenario.expect, ...(scenario.expectMode ? { mode: scenario.expectMode } : {}) };
}

/** How long Route 53 takes to call an endpoint unhealthy: 30 s checks, failure threshold 3. */
export const DETECTION_DELAY_MS = 90_000;

async function regionOutage(context: ScenarioContext): Promise<void> {
  context.built.estate.addFault({ kind: "region-down", region: context.plan.activeRegion });
  context.note(`${context.plan.activeRegion} stops answering`);
  await context.built.estate.clock.sleep(DETECTION_DELAY_MS);
  context.fireAlarm();
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
      await context.built.estate.clock.sleep(DETECTION_DELAY_MS);
      context.fireAlarm();
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
      await context.built.estate.clock.sleep(DETECTION_DELAY_MS);
      context.fireAlarm();
    },
  },
  {
    name: "flapping-alarm",
    summary:
      "the alarm fires and clears within the hold time: the workflow it starts finds the signal cleared and ends, nothing changed",
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
    summary: "replication lag exceeds the RPO: pre-checks stop the failover, nothing changes",
    expect: "aborted",
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
    name: "stuck-promotion",
    summary: "the promotion never completes: at the rollback trigger the workflow escalates, DNS untouched",
    expect: "escalated",
    estateOptions: () => ({ rdsTimings: { failoverMs: 6 * 3600_000, switchoverMs: 6 * 3600_000 } }),
    incident: regionOutage,
  },
];

export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((scenario) => scenario.name === name);
}
