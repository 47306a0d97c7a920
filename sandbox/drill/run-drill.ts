import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { DELIVERY_WINDOW_MS } from "../../core/audit/link-evidence.js";
import { verifyAudit } from "../../core/audit/verify-audit.js";
import { APPROVAL_REQUIRED } from "../../core/failover/decide-on-alarm.js";
import type { Plan } from "../../core/plan/schema.js";
import type { DetectorResult } from "../../functions/detect-alarm.js";
import { accountOf, type BuiltEstate, buildEstate, trafficRegion } from "../build-estate.js";
import type { CallRecord } from "../call-history.js";
import type { SandboxEstate } from "../estate.js";
import type { Fault } from "../faults.js";
import type { StepEvent } from "../local-workflow-runner.js";
import { sandboxClients } from "../sandbox-clients.js";
import { type SandboxControlPlane, startSandboxControlPlane } from "../sandbox-control-plane.js";
import type { AlarmStateChangeEvent } from "../services/cloudwatch-model.js";
import type { SandboxExecution } from "../services/sfn-model.js";
import { checkInvariants } from "./invariants.js";
import type { ExpectedOutcome, Scenario, ScenarioContext } from "./scenarios.js";

export interface DrillStep {
  name: string;
  status: "succeeded" | "failed" | "pending";
  startedAt: string;
  endedAt: string;
}

export interface DrillWorkflow {
  kind: "failover" | "failback";
  status: string;
  rtoSeconds: number | null;
  rpoSeconds: number | null;
  mode: "switchover" | "failover" | null;
  reason: string | null;
  steps: DrillStep[];
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
  audit: {
    records: number;
    /** The hash chain is intact, every call is witnessed by CloudTrail, and CloudTrail shows no unaudited call. */
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
  /** What the detector decided for each alarm event it received, counted by outcome. */
  detector: Record<string, number>;
  notifications: string[];
}

export interface DrillOptions {
  plan: Plan;
  scenario: Scenario;
  faults?: Fault[];
  seed?: number;
  /** Live progress: each workflow step as it starts and ends, in modelled time. */
  onStep?: (event: StepEvent, elapsedSeconds: number) => void;
  /** Live narration of the incident: faults, alarms, the detector's decisions. */
  onNote?: (text: string, elapsedSeconds: number) => void;
  /** After a successful failover: the failed region recovers and an on-call engineer fails back by hand. */
  failback?: boolean;
  /** Runs against the estate and control plane after the drill, before they are torn down. */
  afterwards?: (state: { built: BuiltEstate; controlPlane: SandboxControlPlane }) => Promise<void>;
}

/** How long the drill's on-call engineer waits, after the region recovers, before failing back. */
const FAILBACK_AFTER_MS = 10 * 60_000;
/** How long the drill's on-call engineer takes to review a failover the plan wants approved. */
const APPROVAL_REVIEW_MS = 2 * 60_000;

/**
 * Runs a scenario end to end in the sandbox: the estate built from the plan, the control plane as
 * deployed (real handlers, real state machine definition, local DynamoDB), the incident, then the
 * invariants checked on the sandbox's own history of calls rather than on the workflow's word.
 */
export async function runDrill(options: DrillOptions): Promise<DrillResult> {
  const { plan, scenario } = options;
  const built = buildEstate([plan], {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...scenario.estateOptions?.(plan),
  });
  const { estate, models } = built;
  const startedAt = estate.clock.now();
  const controlPlane = await startSandboxControlPlane(built, [plan]);
  try {
    const elapsed = () => (estate.clock.now().getTime() - startedAt.getTime()) / 1000;
    models.sfn.onStep((event) => options.onStep?.(event, elapsed()));
    const detections: Array<Promise<unknown>> = [];
    let lastEvent: AlarmStateChangeEvent | undefined;
    const note = (text: string) => options.onNote?.(text, elapsed());
    models.cloudwatch.onAlarmStateChange((event) => {
      lastEvent = event;
      note(`alarm ${event.detail.alarmName} (${event.region}) is ${event.detail.state.value}`);
      detections.push(
        controlPlane.deliver(event).then((decision) => {
          if (decision.decision !== "ignored" || !decision.reason.startsWith("duplicate")) {
            note(
              decision.decision === "started"
                ? `detector: signal held ${plan.triggers.holdSeconds} s, started ${decision.executionName}`
                : `detector: ${describeDecision(decision)}`,
            );
          }
          if (decision.decision === "ignored" && decision.reason.startsWith(APPROVAL_REQUIRED)) {
            return approveByHand(context, controlPlane.stateMachineArns.failover).then(() => decision);
          }
          return decision;
        }),
      );
    });
    for (const fault of options.faults ?? []) estate.addFault(fault);
    const [alarm] = plan.triggers.alarms;
    const standbyRegion = plan.regions.find((region) => region !== plan.activeRegion) ?? plan.activeRegion;
    const context: ScenarioContext = {
      plan,
      built,
      controlPlane,
      standbyRegion,
      fireAlarm: () =>
        alarm &&
        models.cloudwatch.setAlarmState(alarm.region, alarm.name, "ALARM", `drill: ${scenario.name}`),
      clearAlarm: () =>
        alarm && models.cloudwatch.setAlarmState(alarm.region, alarm.name, "OK", "drill: recovered"),
      note,
      redeliverAlarm: (times) => {
        for (let index = 0; index < times && lastEvent; index++)
          detections.push(controlPlane.deliver(lastEvent));
      },
    };
    await scenario.incident(context);
    const decisions = await settle(detections);
    await models.sfn.settled();
    // Faults clear before a failback; invariant 5 is about the regions that were down during the incident.
    const downRegions = estate
      .activeFaults()
      .flatMap((fault) => (fault.kind === "region-down" ? [fault.region] : []));
    const incidentEndedAt = estate.clock.now();
    const failedBack =
      options.failback === true && (await failBack(context, controlPlane.stateMachineArns.failback));

    const executions = models.sfn.all();
    const workflows = executions.map(describeWorkflow);
    const records = await controlPlane.audit.chain(plan.name);
    const invariants = checkInvariants({
      calls: estate.calls,
      executions,
      records,
      kirikaePrincipals: Object.values(controlPlane.roles),
      downRegions,
      downUntil: incidentEndedAt,
      expectedExecutions: (scenario.expect === "none" ? 0 : 1) + (failedBack ? 1 : 0),
    });
    const audit = await auditOnceDelivered(controlPlane, plan, estate, startedAt);
    const expectationMet = meetsExpectation(scenario, workflows);
    const result: DrillResult = {
      ok: expectationMet && audit.verified && Object.values(invariants).every(Boolean),
      scenario: scenario.name,
      expected: scenario.expect,
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
      audit,
      mutations: countMutations(estate.calls),
      detector: countDecisions(decisions),
      notifications: controlPlane.notifier.sent.map((notification) => notification.subject),
    };
    await options.afterwards?.({ built, controlPlane });
    return result;
  } finally {
    await controlPlane.stop();
  }
}

function countMutations(calls: readonly CallRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) {
    if (call.mutating && call.error === undefined) counts[call.operation] = (counts[call.operation] ?? 0) + 1;
  }
  return counts;
}

/** The on-call engineer reviews the notified signal, agrees, and starts the failover from the console. */
async function approveByHand(context: ScenarioContext, stateMachineArn: string): Promise<void> {
  await context.built.estate.clock.sleep(APPROVAL_REVIEW_MS);
  context.note("oncall-engineer approves: starts the failover from the console");
  await startByHand(context, stateMachineArn, "failover", "drill: signal reviewed, failover approved");
}

async function startByHand(context: ScenarioContext, stateMachineArn: string, kind: string, reason: string) {
  const { built, plan, controlPlane } = context;
  const operator = sandboxClients(
    built.estate,
    controlPlane.region,
    `arn:aws:iam::${accountOf(plan)}:user/oncall-engineer`,
  );
  await operator.sfn.send(
    new StartExecutionCommand({
      stateMachineArn,
      name: `${plan.name}-${kind}-drill`,
      input: JSON.stringify({ plan: plan.name, reason, ticket: "DRILL-1" }),
    }),
  );
}

/**
 * The incident is over: faults clear, the old region answers again, and a person starts the failback
 * from the console with the documented input, as their own IAM identity.
 */
async function failBack(context: ScenarioContext, stateMachineArn: string): Promise<boolean> {
  const { built, plan } = context;
  const [failover] = built.models.sfn.all();
  if (failover?.status !== "SUCCEEDED") return false;
  built.estate.removeFaults();
  context.note(`${plan.activeRegion} answers again; faults cleared`);
  await built.estate.clock.sleep(FAILBACK_AFTER_MS);
  context.note("oncall-engineer starts the failback from the console");
  await startByHand(context, stateMachineArn, "failback", "drill: the region has recovered");
  await built.models.sfn.settled();
  return true;
}

/** Detector invocations run concurrently and may start more work; wait until none is left. */
async function settle(pending: Array<Promise<unknown>>): Promise<PromiseSettledResult<unknown>[]> {
  const settled: PromiseSettledResult<unknown>[] = [];
  while (settled.length < pending.length) {
    settled.push(...(await Promise.allSettled(pending.slice(settled.length))));
  }
  return settled;
}

/** "started", "ignored: <reason>", or "failed: <error>", each with how many events ended that way. */
function countDecisions(decisions: PromiseSettledResult<unknown>[]): Record<string, number> {
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

function describeWorkflow(execution: SandboxExecution): DrillWorkflow {
  const output = (execution.output ?? {}) as {
    verification?: { rtoSeconds?: number; rpoSeconds?: number };
    recovery?: { promotion?: { mode?: "switchover" | "failover" } };
    promotion?: { mode?: "switchover" | "failover" };
  };
  const status =
    execution.status === "SUCCEEDED"
      ? "succeeded"
      : execution.status === "RUNNING"
        ? "running"
        : execution.error === "PrecheckFailed"
          ? "aborted"
          : execution.error === "RequestRejected"
            ? "rejected"
            : "escalated";
  return {
    kind: execution.stateMachineArn.endsWith(":kirikae-failback") ? "failback" : "failover",
    status,
    rtoSeconds: output.verification?.rtoSeconds ?? null,
    rpoSeconds: output.verification?.rpoSeconds ?? null,
    mode: output.recovery?.promotion?.mode ?? output.promotion?.mode ?? modeFromSteps(execution.steps),
    reason: execution.status === "FAILED" ? failureReason(execution.steps) : null,
    steps: summariseSteps(execution.steps),
  };
}

/** Poll loops call a step many times; a person wants one line per step: first start to last end. */
export function summariseSteps(events: readonly StepEvent[]): DrillStep[] {
  const steps = new Map<string, DrillStep>();
  for (const event of events) {
    const at = event.at.toISOString();
    const step = steps.get(event.state) ?? {
      name: event.state,
      status: "pending",
      startedAt: at,
      endedAt: at,
    };
    step.endedAt = at;
    if (event.phase === "failed") step.status = "failed";
    if (event.phase === "succeeded") {
      const status = (event.result as { status?: unknown } | null)?.status;
      step.status = status === "pending" ? "pending" : "succeeded";
    }
    steps.set(event.state, step);
  }
  return [...steps.values()];
}

function modeFromSteps(events: readonly StepEvent[]): "switchover" | "failover" | null {
  for (const event of events) {
    const mode = (event.result as { mode?: unknown } | null)?.mode;
    if (mode === "switchover" || mode === "failover") return mode;
  }
  return null;
}

function failureReason(events: readonly StepEvent[]): string | null {
  const abort = [...events].reverse().find((event) => event.state === "Abort" || event.state === "Escalate");
  const reason = (abort?.result as { reason?: unknown } | null)?.reason;
  return typeof reason === "string" ? reason : null;
}

function meetsExpectation(scenario: Scenario, workflows: DrillWorkflow[]): boolean {
  if (workflows.some((workflow) => workflow.kind === "failback" && workflow.status !== "succeeded"))
    return false;
  const failovers = workflows.filter((workflow) => workflow.kind === "failover");
  if (scenario.expect === "none") return failovers.length === 0;
  const [only] = failovers;
  if (failovers.length !== 1 || !only) return false;
  if (only.status !== scenario.expect) return false;
  return scenario.expectMode === undefined || only.mode === scenario.expectMode;
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

/**
 * Once CloudTrail has had time to deliver, does the trail agree with it? The linker runs as it would on
 * its schedule, then `audit verify`: chain intact, every call witnessed, no call by kirikae's roles
 * missing from the trail.
 */
async function auditOnceDelivered(
  controlPlane: SandboxControlPlane,
  plan: Plan,
  estate: SandboxEstate,
  startedAt: Date,
): Promise<DrillResult["audit"]> {
  await estate.clock.sleep(DELIVERY_WINDOW_MS + 60_000);
  const verification = await estate.clock.busy(() =>
    verifyAudit(controlPlane.evidence, {
      plans: [plan.name],
      regions: [...new Set([...plan.regions, "us-east-1"])],
      roleNames: Object.values(controlPlane.roles).map((arn) => arn.split("/")[1] ?? ""),
      since: startedAt,
      until: estate.clock.now(),
    }),
  );
  const records =
    (await controlPlane.audit.chain(plan.name)).length + (await controlPlane.audit.chain("-")).length;
  return {
    records,
    verified: verification.ok,
    linked: verification.linked,
    findings: [
      ...verification.brokenChain.map(
        (problem) => `record ${problem.seq} of ${problem.plan}: ${problem.problem}`,
      ),
      ...verification.unwitnessed.map(
        (record) =>
          `no CloudTrail event for ${record.action} (request ${record.requestId}) recorded at ${record.at}`,
      ),
      ...verification.unreadableRegions.map(
        (entry) => `CloudTrail in ${entry.region} did not answer; its events are checked once it does`,
      ),
      ...verification.unaudited.map(
        (event) =>
          `CloudTrail shows ${event.eventName} by ${event.userIdentityArn} (request ${event.requestId}) with no audit record`,
      ),
    ],
    initiators: Object.fromEntries(
      verification.initiators.map((entry) => [entry.executionId, entry.initiator]),
    ),
  };
}
