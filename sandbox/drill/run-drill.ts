import { databaseViews } from "../../core/blocks/block-views.js";
import type { Plan } from "../../core/plan/schema.js";
import type { DetectorResult } from "../../functions/detect-alarm.js";
import { type BuiltEstate, buildEstate, trafficRegion } from "../build-estate.js";
import type { CallRecord } from "../call-history.js";
import type { Fault } from "../faults.js";
import type { LatencyOverrides } from "../latencies.js";
import type { StepEvent } from "../local-workflow-runner.js";
import {
  type FunctionPolicyChange,
  type SandboxControlPlane,
  startSandboxControlPlane,
} from "../sandbox-control-plane.js";
import type { AlarmStateChangeEvent } from "../services/cloudwatch-model.js";
import { endpointServes, startTrafficSampler } from "../traffic-sampler.js";
import { routeTriggerAlarms } from "./alarm-routing.js";
import { answerDataLossQuestion, type DataLossAnswerPolicy } from "./data-loss-answers.js";
import { describeWorkflow } from "./describe-workflow.js";
import { auditOnceDelivered } from "./drill-audit.js";
import { checkInvariants } from "./invariants.js";
import { approveWhenAsked, failBack, fenceOnSchedule } from "./on-call.js";
import { type ExpectedOutcome, expectedOutcome, type Scenario, type ScenarioContext } from "./scenarios.js";
import { describeTraffic } from "./traffic-narration.js";
import { startRecoveryWatch, type UserRto, userRto } from "./user-rto.js";

export interface DrillStep {
  name: string;
  status: "succeeded" | "failed" | "pending";
  startedAt: string;
  endedAt: string;
}

/** One execution as the workflow itself reports it (describe-workflow.ts). */
export interface DrillWorkflowRecord {
  kind: "failover" | "failback";
  status: string;
  /** kirikae's own figure: the alarm (or request) to its verification step's success. */
  verifiedRtoSeconds: number | null;
  rpoSeconds: number | null;
  mode: "switchover" | "failover" | null;
  reason: string | null;
  steps: DrillStep[];
}

/**
 * An execution with its recovery time as users felt it, measured on DNS answers (sandbox/drill/user-rto.ts):
 * `rtoSeconds` is the user-visible figure, `detectionSeconds + recoverySeconds + ttlSeconds`.
 */
export interface DrillWorkflow extends DrillWorkflowRecord {
  /** The user-visible RTO (same as `userVisibleRtoSeconds`); null when users were never served again. */
  rtoSeconds: number | null;
  /** Outage start to the last DNS answer reaching the writer region at capacity, plus the records' TTL. */
  userVisibleRtoSeconds: number | null;
  /** Outage start (exact, the scenario's fault) to the trigger alarm; 0 for a run started by hand. */
  detectionSeconds: number;
  /** The alarm (or request) to every DNS answer reaching the writer region at the plan's capacity share. */
  recoverySeconds: number | null;
  /** The longest TTL of the plan's records, which resolvers may keep the old answer for. */
  ttlSeconds: number;
  outage: UserRto["outage"];
  triggeredAt: string;
  recoveredAt: string | null;
}

export interface DrillResult {
  ok: boolean;
  scenario: string;
  expected: ExpectedOutcome;
  objectives: { rtoSeconds: number; rpoSeconds: number };
  startedAt: string;
  workflows: DrillWorkflow[];
  final: { writerRegion: string; trafficRegion: string; nodegroups: Record<string, number> };
  invariants: Record<string, boolean>;
  /**
   * What users got, sampled each modelled second from Route 53's answers: seconds any record sent them to
   * a region whose cluster was not the writer, seconds with no writer at all (a promotion under way), and
   * each record's region at the end.
   */
  traffic: {
    nonWriterSeconds: number;
    noWriterSeconds: number;
    unservedSeconds: number;
    records: Record<string, string>;
  };
  audit: {
    records: number;
    /**
     * Each region's chain matches the digests signed there (records after the last digest are not yet
     * covered, and not a failure), every call is witnessed by CloudTrail, and CloudTrail shows no unaudited call.
     */
    verified: boolean;
    /** Calls linked to their CloudTrail event. */
    linked: number;
    /** Findings of `audit verify`, each in words. */
    findings: string[];
    /** Who started each hand-started workflow, as CloudTrail recorded it. */
    initiators: Record<string, string>;
  };
  /** Successful mutating AWS calls by operation, as the sandbox saw them: "nothing changed" is checkable. */
  mutations: Record<string, number>;
  /**
   * The calls IAM refused kirikae's functions, in AWS's words: which function's role, which action, which
   * resource. Any one fails the drill, even where the step carried on: a grant missing here is missing in
   * AWS, and the first real failover would meet it.
   */
  accessDenied: string[];
  /** The trigger alarms' state changes: those that reached the detector, and those lost with their region. */
  alarmEvents: { delivered: string[]; lost: string[] };
  /** What the detector decided for each alarm event it received, counted by outcome. */
  detector: Record<string, number>;
  notifications: string[];
}

export interface DrillOptions {
  plan: Plan;
  scenario: Scenario;
  faults?: Fault[];
  seed?: number;
  /** Overrides of the modelled AWS latencies (sandbox/latencies.ts), e.g. an account's measured drill. */
  latencies?: LatencyOverrides;
  /** Live progress: each workflow step as it starts and ends, in modelled time. */
  onStep?: (event: StepEvent, elapsedSeconds: number) => void;
  /** Live narration of the incident: faults, alarms, the detector's decisions. */
  onNote?: (text: string, elapsedSeconds: number) => void;
  /** After a successful failover: the failed region recovers and an on-call engineer fails back by hand. */
  failback?: boolean;
  /**
   * How the on-call engineer answers a failover that asks to lose more than the RPO allows (a plan with
   * `dataLoss: "approval-above-rpo"`): approves by default.
   */
  dataLossAnswer?: DataLossAnswerPolicy;
  /** Changes the estate before the incident: a test making a modelled resource misbehave. */
  prepare?: (built: BuiltEstate) => void;
  /** Runs against the estate and control plane after the drill, before they are torn down. */
  afterwards?: (state: { built: BuiltEstate; controlPlane: SandboxControlPlane }) => Promise<void>;
  /** Changes a function's policy from what infra generates before the drill runs (a test withholding a grant). */
  policies?: FunctionPolicyChange;
}

/**
 * Runs a scenario end to end in the sandbox: the estate built from the plan, the control plane as
 * deployed (real handlers, real state machine definition, local DynamoDB), the incident, then the
 * invariants checked on the sandbox's own history of calls rather than on the workflow's word.
 */
export async function runDrill(options: DrillOptions): Promise<DrillResult> {
  const { plan, scenario } = options;
  const dataLossAnswer = options.dataLossAnswer ?? "approve";
  const built = buildEstate([plan], {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.latencies === undefined ? {} : { latencies: options.latencies }),
    ...scenario.estateOptions?.(plan),
  });
  options.prepare?.(built);
  const { estate, models } = built;
  const startedAt = estate.clock.now();
  const traffic = startTrafficSampler({
    clock: estate.clock,
    plan,
    rds: models.rds,
    route53: models.route53,
    serves: endpointServes(estate, models.route53),
    onChange: (snapshot) =>
      options.onNote?.(
        describeTraffic(snapshot),
        (estate.clock.now().getTime() - startedAt.getTime()) / 1000,
      ),
  });
  const recovery = startRecoveryWatch({
    clock: estate.clock,
    plan,
    rds: models.rds,
    route53: models.route53,
    kubernetes: models.kubernetes,
    serves: endpointServes(estate, models.route53),
  });
  const controlPlane = await startSandboxControlPlane(
    built,
    [plan],
    options.policies ? { policies: options.policies } : {},
  );
  try {
    const elapsed = () => (estate.clock.now().getTime() - startedAt.getTime()) / 1000;
    models.sfn.onStep((event) => options.onStep?.(event, elapsed()));
    const detections: Array<Promise<unknown>> = [];
    let lastEvent: AlarmStateChangeEvent | undefined;
    const note = (text: string) => options.onNote?.(text, elapsed());
    const alarmEvents: DrillResult["alarmEvents"] = { delivered: [], lost: [] };
    const isTrigger = (name: string, region: string) =>
      plan.triggers.alarms.some((alarm) => alarm.name === name && alarm.region === region);
    routeTriggerAlarms({
      built,
      detectorName: controlPlane.detectorName,
      isTrigger,
      alarmEvents,
      note,
      deliver: (event, label) => {
        lastEvent = event;
        note(`alarm ${label}`);
        detections.push(
          controlPlane.deliver(event).then((decision): DetectorResult | Promise<DetectorResult> => {
            if (decision.decision !== "ignored" || !decision.reason.startsWith("duplicate")) {
              note(
                decision.decision === "started"
                  ? `detector: started ${decision.executionName}; the workflow holds the signal ${plan.triggers.holdSeconds} s`
                  : `detector: ${describeDecision(decision)}`,
              );
            }
            if (decision.decision !== "started") return decision;
            const onCall: Array<Promise<void>> = [];
            if (plan.triggers.mode === "approval") onCall.push(approveWhenAsked(context));
            if (plan.database.dataLoss === "approval-above-rpo")
              onCall.push(answerDataLossQuestion(context, dataLossAnswer));
            return Promise.all(onCall).then(() => decision);
          }),
        );
      },
    });
    for (const fault of options.faults ?? []) estate.addFault(fault);
    const standbyRegion = plan.regions.find((region) => region !== plan.activeRegion) ?? plan.activeRegion;
    // Every trigger alarm says the active region is unhealthy, so an incident there fires them all.
    const setTriggers = (
      state: "ALARM" | "OK",
      reason: string,
      alarms: readonly Plan["triggers"]["alarms"][number][] = plan.triggers.alarms,
    ) => {
      for (const alarm of alarms) {
        models.cloudwatch.setAlarmState(alarm.region, alarm.name, state, reason);
      }
    };
    const context: ScenarioContext = {
      plan,
      built,
      controlPlane,
      standbyRegion,
      fireAlarm: (alarms) => setTriggers("ALARM", `drill: ${scenario.name}`, alarms),
      clearAlarm: () => setTriggers("OK", "drill: recovered"),
      note,
      redeliverAlarm: (times) => {
        for (let index = 0; index < times && lastEvent; index++)
          detections.push(controlPlane.deliver(lastEvent));
      },
    };
    const fencing = fenceOnSchedule(context);
    // Every scenario's fault begins as its incident does: the exact outage start, known only in the sandbox.
    const incidentStartedAt = estate.clock.now();
    await scenario.incident(context);
    const decisions = await settle(detections);
    await models.sfn.settled();
    // Faults clear before a failback; invariant 5 is about the regions that were down during the incident.
    const downRegions = estate
      .activeFaults()
      .flatMap((fault) => (fault.kind === "region-down" ? [fault.region] : []));
    const incidentEndedAt = estate.clock.now();
    const failedBack =
      options.failback === true &&
      (await failBack(context, controlPlane.stateMachineArns(plan.name).failback, fencing.stop));
    await fencing.stop();

    const executions = models.sfn.all();
    const spans = recovery.stop();
    const workflows = executions.map((execution): DrillWorkflow => {
      const described = describeWorkflow(execution);
      const figures = userRto({
        plan,
        execution,
        incidentStartedAt,
        spans,
        verifiedRtoSeconds: described.verifiedRtoSeconds,
        targetRegion: described.kind === "failback" ? plan.activeRegion : standbyRegion,
        alarmWindow: (region, name) => models.cloudwatch.alarmWindow(region, name),
      });
      return {
        ...described,
        rtoSeconds: figures.userVisibleRtoSeconds,
        userVisibleRtoSeconds: figures.userVisibleRtoSeconds,
        detectionSeconds: figures.detectionSeconds,
        recoverySeconds: figures.recoverySeconds,
        ttlSeconds: figures.ttlSeconds,
        outage: figures.outage,
        triggeredAt: figures.triggeredAt,
        recoveredAt: figures.recoveredAt,
      };
    });
    const records = await controlPlane.audit.chain(plan.name);
    const expected = expectedOutcome(scenario, plan, dataLossAnswer);
    // The incident and any failback are over; the wait for CloudTrail's delivery below is the drill's own.
    const {
      nonWriterSeconds,
      noWriterSeconds,
      unservedSeconds,
      records: trafficRecords,
      reached,
    } = traffic.stop();
    const invariants = checkInvariants({
      traffic: { nonWriterSeconds, reached },
      writers: databaseViews(plan).map((view) =>
        models.rds.writerHistory(view.database.globalClusterIdentifier),
      ),
      calls: estate.calls,
      executions,
      records,
      kirikaePrincipals: Object.values(controlPlane.roles),
      downRegions,
      downUntil: incidentEndedAt,
      expectedExecutions: (expected.outcome === "none" ? 0 : 1) + (failedBack ? 1 : 0),
    });
    const audit = await auditOnceDelivered(controlPlane, plan, estate, startedAt);
    const expectationMet = meetsExpectation(expected, workflows);
    const result: DrillResult = {
      ok:
        expectationMet &&
        audit.verified &&
        Object.values(invariants).every(Boolean) &&
        built.iam.denials.length === 0,
      scenario: scenario.name,
      expected: expected.outcome,
      objectives: {
        rtoSeconds: plan.objectives.rtoMinutes * 60,
        rpoSeconds: plan.objectives.rpoMinutes * 60,
      },
      startedAt: startedAt.toISOString(),
      workflows,
      final: {
        writerRegion: models.rds.writerOf(plan.database.globalClusterIdentifier)?.region ?? "unknown",
        trafficRegion: trafficRegion(plan, models.route53) ?? "unknown",
        nodegroups: nodegroupSizes(plan, built),
      },
      invariants,
      traffic: { nonWriterSeconds, noWriterSeconds, unservedSeconds, records: trafficRecords },
      audit,
      mutations: countMutations(estate.calls),
      alarmEvents,
      detector: countDecisions(decisions),
      notifications: controlPlane.notifier.sent.map((notification) => notification.subject),
      accessDenied: built.iam.denials.map((denial) => denial.message),
    };
    await options.afterwards?.({ built, controlPlane });
    return result;
  } finally {
    traffic.stop();
    recovery.stop();
    await controlPlane.stop();
  }
}

export function countMutations(calls: readonly CallRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) {
    if (call.mutating && call.error === undefined) counts[call.operation] = (counts[call.operation] ?? 0) + 1;
  }
  return counts;
}

/** Detector invocations run concurrently and may start more work; wait until none is left. */
export async function settle(pending: Array<Promise<unknown>>): Promise<PromiseSettledResult<unknown>[]> {
  const settled: PromiseSettledResult<unknown>[] = [];
  while (settled.length < pending.length) {
    settled.push(...(await Promise.allSettled(pending.slice(settled.length))));
  }
  return settled;
}

/** "started", "ignored: <reason>", or "failed: <error>", each with how many events ended that way. */
export function countDecisions(decisions: PromiseSettledResult<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const settled of decisions) {
    const key =
      settled.status === "rejected"
        ? `failed: ${settled.reason instanceof Error ? settled.reason.message : String(settled.reason)}`
        : describeDecision(settled.value as DetectorResult);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function describeDecision(result: DetectorResult): string {
  return result.decision === "started" ? "started" : `${result.decision}: ${result.reason}`;
}

function meetsExpectation(expected: ReturnType<typeof expectedOutcome>, workflows: DrillWorkflow[]): boolean {
  if (workflows.some((workflow) => workflow.kind === "failback" && workflow.status !== "succeeded"))
    return false;
  const failovers = workflows.filter((workflow) => workflow.kind === "failover");
  if (expected.outcome === "none") return failovers.length === 0;
  const [only] = failovers;
  if (failovers.length !== 1 || !only) return false;
  if (only.status !== expected.outcome) return false;
  return expected.mode === undefined || only.mode === expected.mode;
}

function nodegroupSizes(plan: Plan, built: ReturnType<typeof buildEstate>): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const cluster of plan.compute.clusters) {
    for (const nodegroup of cluster.nodegroups) {
      sizes[`${cluster.region}/${cluster.name}/${nodegroup.name}`] = built.models.eks.readyNodes(
        cluster.region,
        cluster.name,
        nodegroup.name,
      );
    }
  }
  return sizes;
}
