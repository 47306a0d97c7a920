import { describe, expect, it, vi } from "vitest";
import { PROBE_TIMEOUT_MS } from "../../adapters/aws/region-clients.js";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import type { Plan } from "../../core/plan/schema.js";
import type { WorkflowKind } from "../../core/ports/plan-state.js";
import { trafficMode } from "../../core/traffic/gates.js";
import type { CheckResult } from "../../core/workflow/check-result.js";
import { DETECTOR_STEP, isRoute53Api, type StepCall } from "../../core/workflow/step-calls.js";
import type { CallRecord } from "../../sandbox/call-history.js";
import { runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario, type Scenario } from "../../sandbox/drill/scenarios.js";
import type { Fault } from "../../sandbox/faults.js";
import type { SandboxRoles } from "../../sandbox/sandbox-control-plane.js";
import type { SandboxExecution } from "../../sandbox/services/sfn-model.js";
import { taskFunctionKeys } from "../../stepfunctions/task-functions.js";
import { workflowDependencies, workflowStepCalls } from "../../steps/workflow-calls.js";

const TOKYO = "examples/tokyo-singapore.plan.json";
const VIRGINIA = "examples/virginia-oregon.plan.json";
const WEIGHTED = "test/support/weighted-record-edits.plan.ts";

/** A fault as the drill held it: from when, until when (undefined: still held at the end). */
interface FaultSpan {
  fault: Fault;
  from: Date;
  until?: Date;
}

/** One call the sandbox saw from kirikae's roles, placed in the workflow step that made it. */
interface PlacedCall {
  call: CallRecord;
  action: string;
  kind: WorkflowKind;
  /** The steps running when the call was made: one, or both branches of a parallel state. */
  steps: string[];
  /** The endpoint it went to was down (a region, or one service's API) when the call was made. */
  endpointDown: boolean;
  /** Made while any fault of the incident held: the outage, before any failback. */
  duringOutage: boolean;
}

interface Observed {
  plan: Plan;
  placed: PlacedCall[];
  /** Calls from kirikae's roles that no step was running to make. */
  unplaced: CallRecord[];
  workflows: Array<{ kind: string; status: string }>;
  /** The failover's pre-checks as its audit record holds them. */
  prechecks: CheckResult[];
}

async function observe(file: string, scenarioName: string, failback = false): Promise<Observed> {
  const plan = await loadPlanFile(file);
  const scenario = findScenario(scenarioName);
  if (!scenario) throw new Error(`no scenario ${scenarioName}`);
  const spans: FaultSpan[] = [];
  let observed: Omit<Observed, "plan" | "workflows" | "prechecks"> = { placed: [], unplaced: [] };
  let prechecks: CheckResult[] = [];
  const result = await runDrill({
    plan,
    scenario: recordingFaults(scenario, spans),
    failback,
    afterwards: async ({ built, controlPlane }) => {
      observed = place(built.estate.calls, built.models.sfn.all(), controlPlane.roles, spans);
      const records = await controlPlane.audit.chain(plan.name);
      const decision = records.find((record) => record.action.startsWith("precheck."));
      prechecks = (decision?.details?.checks as CheckResult[] | undefined) ?? [];
    },
  });
  return {
    plan,
    ...observed,
    prechecks,
    workflows: result.workflows.map((workflow) => ({ kind: workflow.kind, status: workflow.status })),
  };
}

/** The same scenario, noting when each fault starts and when the drill clears it. */
function recordingFaults(scenario: Scenario, spans: FaultSpan[]): Scenario {
  return {
    ...scenario,
    async incident(context) {
      const { estate } = context.built;
      const add = estate.addFault.bind(estate);
      const remove = estate.removeFaults.bind(estate);
      vi.spyOn(estate, "addFault").mockImplementation((fault) => {
        spans.push({ fault, from: estate.clock.now() });
        add(fault);
      });
      vi.spyOn(estate, "removeFaults").mockImplementation((predicate = () => true) => {
        for (const span of spans)
          if (span.until === undefined && predicate(span.fault)) span.until = estate.clock.now();
        remove(predicate);
      });
      await scenario.incident(context);
    },
  };
}

function place(
  calls: readonly CallRecord[],
  executions: readonly SandboxExecution[],
  roles: SandboxRoles,
  spans: readonly FaultSpan[],
): Omit<Observed, "plan" | "workflows" | "prechecks"> {
  const intervals = executions.flatMap(stepIntervals);
  const placed: PlacedCall[] = [];
  const unplaced: CallRecord[] = [];
  // Each workflow task calls AWS as its own role.
  const tasks = new Set(taskFunctionKeys.map((key) => roles[key]));
  for (const call of calls) {
    if (call.principal !== roles.detector && !tasks.has(call.principal)) continue;
    const at = call.at.getTime();
    const running =
      call.principal === roles.detector
        ? [{ kind: "failover" as const, step: DETECTOR_STEP }]
        : intervals.filter((interval) => interval.from <= at && at <= interval.to);
    const [first] = running;
    if (!first) {
      unplaced.push(call);
      continue;
    }
    const held = spans.filter(
      (span) => span.from.getTime() <= at && (span.until === undefined || at < span.until.getTime()),
    );
    placed.push({
      call,
      action: `${call.service === "sfn" ? "states" : call.service}:${call.operation}`,
      kind: first.kind,
      steps: running.map((interval) => interval.step),
      endpointDown: held.some(
        ({ fault }) =>
          (fault.kind === "region-down" && fault.region === call.region) ||
          (fault.kind === "api-down" && fault.service === call.service && fault.region === call.region),
      ),
      duringOutage: held.length > 0,
    });
  }
  return { placed, unplaced };
}

/** Each attempt of each Task state, from its start to its end, in modelled time. */
function stepIntervals(execution: SandboxExecution) {
  const kind: WorkflowKind = execution.stateMachineArn.endsWith("-failback") ? "failback" : "failover";
  const open = new Map<string, number>();
  const intervals: Array<{ kind: WorkflowKind; step: string; from: number; to: number }> = [];
  for (const event of execution.steps) {
    if (event.phase === "started") {
      open.set(event.state, event.at.getTime());
      continue;
    }
    const from = open.get(event.state);
    if (from === undefined) continue;
    open.delete(event.state);
    intervals.push({ kind, step: event.state, from, to: event.at.getTime() });
  }
  return intervals;
}

/** The call map's entries for this call: same action, same region, in a step that was running. */
function entriesFor(plan: Plan, placedCall: PlacedCall): Array<{ step: string; entry: StepCall }> {
  return workflowStepCalls(plan, placedCall.kind)
    .filter((step) => placedCall.steps.includes(step.step))
    .flatMap((step) =>
      step.calls
        .filter((entry) => entry.action === placedCall.action && entry.region === placedCall.call.region)
        .map((entry) => ({ step: step.step, entry })),
    );
}

function describeCall(placedCall: PlacedCall): string {
  return `${placedCall.kind} ${placedCall.steps.join(" | ")}: ${placedCall.action} in ${placedCall.call.region}`;
}

/** Calls the map does not list for the step that made them, at the region they went to. */
function offTheMap(observed: Observed): string[] {
  return [
    ...new Set([
      ...observed.placed
        .filter((placedCall) => entriesFor(observed.plan, placedCall).length === 0)
        .map(describeCall),
      ...observed.unplaced.map(
        (call) => `no step running: ${call.service}:${call.operation} in ${call.region} by ${call.principal}`,
      ),
    ]),
  ];
}

/**
 * Calls a failover waited on that went where invariant 5 forbids during the outage: to an endpoint that
 * was down, to the region being left, or to Route 53's API in us-east-1. An alternative (an ARC cluster
 * endpoint tried in turn) is no dependency: the map says any one of them will do.
 */
function criticalOutsideRecoveryRegion(observed: Observed): string[] {
  const source = observed.plan.activeRegion;
  return [
    ...new Set(
      observed.placed
        .filter((placedCall) => placedCall.kind === "failover" && placedCall.duringOutage)
        .filter((placedCall) =>
          entriesFor(observed.plan, placedCall).some(
            ({ entry }) =>
              entry.critical &&
              entry.anyOf === undefined &&
              (placedCall.endpointDown || entry.region === source || isRoute53Api(entry.action)),
          ),
        )
        .map(describeCall),
    ),
  ];
}

function regionsSeen(observed: Observed, action: string, kind: WorkflowKind = "failover"): string[] {
  return [
    ...new Set(
      observed.placed
        .filter((placedCall) => placedCall.kind === kind && placedCall.action === action)
        .map((placedCall) => placedCall.call.region),
    ),
  ].sort();
}

describe("every AWS call kirikae makes goes where `plan explain` says, and nothing it waits on to the failed region", () => {
  it("a us-east-1 outage: Virginia fails over to Oregon and back without waiting on us-east-1 or Route 53's API", async () => {
    const observed = await observe(VIRGINIA, "region-outage", true);

    expect(trafficMode(observed.plan)).toBe("gates");
    expect(observed.workflows.map((workflow) => workflow.kind)).toEqual(["failover", "failback"]);
    expect(observed.placed.length).toBeGreaterThan(0);
    expect(offTheMap(observed)).toEqual([]);
    expect(criticalOutsideRecoveryRegion(observed)).toEqual([]);
    expect(workflowDependencies(observed.plan, "failover")).toEqual([]);
    // Read from Oregon, where the failover runs; us-east-1 saw only advisory probes while it was down.
    expect(regionsSeen(observed, "rds:DescribeGlobalClusters")).toEqual(["us-west-2"]);
    const touchedVirginia = observed.placed.filter(
      (placedCall) => placedCall.kind === "failover" && placedCall.endpointDown,
    );
    // The pre-checks passed without us-east-1's word on Oregon's health check, and say so.
    expect(observed.workflows[0]?.status).toBe("succeeded");
    expect(observed.prechecks).toContainEqual(
      expect.objectContaining({
        name: "dns.health.api.orders.example.net",
        required: false,
        region: "us-east-1",
        unanswered: true,
        detail: expect.stringMatching(/^could not be read: .*; advisory, not blocking$/),
      }),
    );
    expect(touchedVirginia.length).toBeGreaterThan(0);
    for (const placedCall of touchedVirginia) {
      const entries = entriesFor(observed.plan, placedCall);
      expect(entries.every(({ entry }) => !entry.critical || entry.anyOf !== undefined)).toBe(true);
      // Advisory means cheap: each gave up within the probe timeout, not after a hung connection.
      expect(placedCall.call.endedAt.getTime() - placedCall.call.at.getTime()).toBeLessThanOrEqual(
        PROBE_TIMEOUT_MS + 1_000,
      );
    }
  });

  it("a Tokyo outage: every call of the failover and the failback is on the map, at its region", async () => {
    const observed = await observe(TOKYO, "region-outage", true);

    expect(trafficMode(observed.plan)).toBe("gates");
    expect(observed.workflows.map((workflow) => workflow.kind)).toEqual(["failover", "failback"]);
    expect(offTheMap(observed)).toEqual([]);
    expect(criticalOutsideRecoveryRegion(observed)).toEqual([]);
    // The gates live in Singapore, so opening Singapore's gate needs only Singapore; no record is edited.
    const gateActions = new Set(
      workflowStepCalls(observed.plan, "failover")
        .find((step) => step.step === "Switch traffic")
        ?.calls.filter((call) => !call.action.startsWith("rds:") && !call.action.startsWith("dynamodb:"))
        .map((call) => call.action),
    );
    expect(gateActions.size).toBe(1);
    for (const action of gateActions) expect(regionsSeen(observed, action)).toEqual(["ap-southeast-1"]);
    expect(regionsSeen(observed, "route53:ChangeResourceRecordSets")).toEqual([]);
  });

  it("Route 53's API down, both regions up: Tokyo fails over by gates, reading nothing from the API it waits on", async () => {
    const observed = await observe(TOKYO, "control-plane-outage");

    expect(observed.workflows).toEqual([{ kind: "failover", status: "succeeded" }]);
    expect(offTheMap(observed)).toEqual([]);
    expect(criticalOutsideRecoveryRegion(observed)).toEqual([]);
    const routeApi = observed.placed.filter((placedCall) => isRoute53Api(placedCall.action));
    expect(routeApi.map((placedCall) => placedCall.action)).toContain("route53:GetHealthCheckStatus");
    expect(routeApi.every((placedCall) => placedCall.endpointDown)).toBe(true);
    expect(observed.prechecks).toContainEqual(
      expect.objectContaining({ name: "dns.health.app.example.com", required: false, unanswered: true }),
    );
  });

  it("a degraded primary: the old primary is probed in Tokyo, once per promotion, and never waited on", async () => {
    const observed = await observe(TOKYO, "degraded-primary");

    expect(offTheMap(observed)).toEqual([]);
    const probes = observed.placed.filter(
      (placedCall) => placedCall.kind === "failover" && placedCall.call.region === "ap-northeast-1",
    );
    expect(probes.map((placedCall) => placedCall.action)).toContain("rds:DescribeDBClusters");
    for (const probe of probes) {
      expect(entriesFor(observed.plan, probe).map(({ entry }) => entry.critical)).not.toContain(true);
    }
  });

  it("record edits: the weighted plan's Route 53 calls are the ones the map flags as needing us-east-1's API", async () => {
    const observed = await observe(WEIGHTED, "degraded-primary");

    expect(trafficMode(observed.plan)).toBe("record-edits");
    expect(offTheMap(observed)).toEqual([]);
    const routeApiCalls = [
      ...new Set(
        observed.placed
          .filter((placedCall) => placedCall.kind === "failover" && isRoute53Api(placedCall.action))
          .flatMap((placedCall) => entriesFor(observed.plan, placedCall))
          .filter(({ entry }) => entry.critical)
          .map(({ step, entry }) => `${step}: ${entry.action}`),
      ),
    ].sort();
    const flagged = workflowDependencies(observed.plan, "failover")
      .filter((dependency) => isRoute53Api(dependency.call.action))
      .map((dependency) => `${dependency.step}: ${dependency.call.action}`)
      .sort();
    expect(routeApiCalls.length).toBeGreaterThan(0);
    expect(flagged).toEqual(expect.arrayContaining(routeApiCalls));
  });
});
