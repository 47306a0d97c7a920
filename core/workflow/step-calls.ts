import type { Plan, TrafficGates } from "../plan/schema.js";
import type { WorkflowKind } from "../ports/plan-state.js";
import { gateEndpointRegions } from "../traffic/gates.js";
import { ROUTE53_API_REGION } from "./global-control-planes.js";

/** One AWS API call a workflow step makes, and where it goes. */
export interface StepCall {
  /** The IAM action: "rds:DescribeGlobalClusters". */
  action: string;
  /** The region of the endpoint called (us-east-1 for Route 53's API, whatever the plan's regions). */
  region: string;
  /**
   * On the critical path: the step waits for it, retries it, and stops or escalates without it. False:
   * advisory or best-effort, through a short-timeout probe client; a failure is recorded, never blocking.
   */
  critical: boolean;
  /** Calls sharing this key are alternatives tried in turn: the step needs any one of them to answer. */
  anyOf?: string;
  /** When the call is made, or what its answer decides. */
  note?: string;
}

export interface StepCalls {
  /** The Task state's name in the state machine; "Detect alarm" is the detector Lambda that starts it. */
  step: string;
  /** Where the step's Lambda runs: the control plane of the region being activated. */
  runsIn: string;
  calls: StepCall[];
  /** What the step depends on that is not an AWS API call: data planes. */
  dataPlane: string[];
}

/** A critical call to the region being left or to us-east-1's global control planes, in words. */
export interface StepDependency {
  step: string;
  call: StepCall;
  /** "depends on us-east-1's Route 53 API", "needs ap-northeast-1, the region being left". */
  dependsOn: string;
}

/** Failover moves the plan from its active region to the standby; failback the other way. */
export function workflowRegions(plan: Plan, kind: WorkflowKind): { source: string; target: string } {
  const standby = plan.regions.find((region) => region !== plan.activeRegion) ?? plan.activeRegion;
  return kind === "failover"
    ? { source: plan.activeRegion, target: standby }
    : { source: standby, target: plan.activeRegion };
}

/** The detector runs beside the failover it starts, in the plan's recovery region. */
export const DETECTOR_STEP = "Detect alarm";

/**
 * Every AWS call each step of a workflow makes for this plan, and where: the one place `plan explain`,
 * the README and the sandbox's call-region test read it from. Written from the steps' code (core/failover,
 * core/workflow) and the adapters they are wired with; the blocks' steps are given by the caller from
 * each kind's own calls (steps/workflow-calls.ts). A step the state machines gain must appear, which
 * test/integration/call-regions.test.ts checks against every call the sandbox sees.
 */
export function stepCalls(
  plan: Plan,
  kind: WorkflowKind,
  blockSteps: readonly Omit<StepCalls, "runsIn">[] = [],
  releaseSteps: readonly Omit<StepCalls, "runsIn">[] = [],
): StepCalls[] {
  const { target } = workflowRegions(plan, kind);
  // Failover runs in the region being activated, failback in the plan's home region (infra/topology.ts):
  // either way, the target.
  const home = target;
  const step = (name: string, calls: StepCall[], dataPlane: string[] = []): StepCalls => ({
    step: name,
    runsIn: home,
    calls,
    dataPlane,
  });
  const audit = auditTrail(home);
  const notify = call("sns:Publish", home, true, "notifies the on-call topic");
  const releaseLock = call("dynamodb:UpdateItem", home, true, "plan state: releases the lock");
  const approval = kind === "failover" && plan.triggers.mode === "approval";
  // The signed digest of the chain at a run's end (core/audit/write-digest.ts), in the control plane's
  // own region; its failure is recorded and notified, never the run's outcome.
  const digest = [
    call("s3:ListObjectsV2", home, false, "digest: the previous digests (ListBucket)"),
    call("s3:GetObject", home, false, "digest: the previous digest, whose hash the new one carries"),
    call("kms:Sign", home, false, "digest: signs the chain's head with the region's digest key"),
    call("s3:PutObject", home, false, "digest: into the Object Lock bucket, COMPLIANCE retention"),
  ];
  // The run's incident report, beside the digests (core/report/write-run-report.ts); best effort as well.
  const report = call(
    "s3:PutObject",
    home,
    false,
    "incident report, English and Japanese, into the Object Lock bucket",
  );
  const finish = [
    call("rds:DescribeGlobalClusters", target, true, "which region is the writer, for the outcome"),
    ...audit,
    releaseLock,
    report,
    notify,
    ...digest,
  ];
  return [
    ...(kind === "failover" ? [step(DETECTOR_STEP, detectorCalls(home))] : []),
    step("Accept request", [
      call("dynamodb:GetItem", home, true, "plan state: where the plan is active"),
      call("dynamodb:UpdateItem", home, true, "plan state: takes the lock"),
      ...audit,
    ]),
    ...(kind === "failover" && plan.triggers.prepareDuringHold
      ? [
          step(
            "Prepare capacity",
            [
              call("dynamodb:GetItem", home, true, "plan state: this execution holds the lock"),
              ...capacityCalls(plan, target, "early scale-up during the hold"),
              ...audit,
            ],
            [kubernetesApi(target)],
          ),
        ]
      : []),
    ...(kind === "failover" ? [step("Confirm signal", confirmSignalCalls(plan, home))] : []),
    ...(kind === "failover" && plan.triggers.prepareDuringHold
      ? [
          step(
            "Undo preparation",
            [
              call("dynamodb:GetItem", home, true, "plan state: this execution holds the lock"),
              ...capacityCalls(plan, target, "a flap: the early scale-up back to standby"),
              releaseLock,
              ...audit,
              notify,
            ],
            [kubernetesApi(target)],
          ),
        ]
      : []),
    step("Pre-checks", [...precheckCalls(plan, target), ...audit]),
    ...(approval
      ? [
          step("Await approval", [
            call("dynamodb:UpdateItem", home, true, "plan state: keeps the task token"),
            ...audit,
            notify,
          ]),
        ]
      : []),
    // The plan's blocks come here, in the order the generated workflow runs them (steps/workflow-calls.ts).
    ...blockSteps.map((blockStep) => ({ ...blockStep, runsIn: home })),
    step(
      "Verify recovery",
      [
        call("rds:DescribeGlobalClusters", target, true, "the target cluster is the writer"),
        ...healthCheckReads(plan, target, verifyHealthNote(plan)),
        ...audit,
      ],
      plan.dns.gates === undefined ? [] : [AUTHORITATIVE_DNS],
    ),
    ...releaseSteps.map((releaseStep) => ({ ...releaseStep, runsIn: home })),
    step("Record outcome", [
      ...audit,
      call("dynamodb:UpdateItem", home, true, "plan state: the new active region; releases the lock"),
      report,
      notify,
      ...digest,
    ]),
    step("Abort", finish),
    ...(approval ? [step("Not approved", finish)] : []),
    step("Escalate", [
      call("rds:DescribeGlobalClusters", target, true, "whether the target became the writer"),
      ...(kind === "failover" && plan.recovery.blocks.some((block) => block.kind === "auto-scaling-group")
        ? [
            call(
              "autoscaling:DescribeAutoScalingGroups",
              target,
              true,
              "compensation: groups this run scaled up",
            ),
            call(
              "autoscaling:UpdateAutoScalingGroup",
              target,
              true,
              "compensation: back to standby capacity",
            ),
          ]
        : []),
      ...(kind === "failover" && plan.recovery.blocks.some((block) => block.kind === "ecs-service")
        ? [
            call("ecs:DescribeServices", target, true, "compensation: services this run scaled up"),
            call("ecs:UpdateService", target, true, "compensation: back to standby counts"),
          ]
        : []),
      ...(kind === "failover"
        ? [
            call("eks:DescribeNodegroup", target, true, "compensation: nodegroups this run scaled up"),
            call(
              "eks:UpdateNodegroupConfig",
              target,
              true,
              "compensation: back to standby sizes when the target did not become the writer",
            ),
          ]
        : []),
      ...audit,
      releaseLock,
      report,
      notify,
      ...digest,
    ]),
  ];
}

/**
 * The critical calls of a workflow that go anywhere but the recovery region's own regional APIs: the
 * region being left, us-east-1's global control planes (Route 53's API), any third region. Invariant 5
 * wants none in a failover. Alternatives count only when every one of them is such a call.
 */
export function stepDependencies(
  plan: Plan,
  kind: WorkflowKind,
  steps: readonly StepCalls[] = stepCalls(plan, kind),
): StepDependency[] {
  const regions = workflowRegions(plan, kind);
  const found: StepDependency[] = [];
  for (const step of steps) {
    for (const stepCall of step.calls) {
      const dependsOn = outsideRecoveryRegion(stepCall, regions);
      if (!stepCall.critical || dependsOn === undefined) continue;
      const alternatives = step.calls.filter(
        (other) => stepCall.anyOf !== undefined && other.anyOf === stepCall.anyOf,
      );
      if (alternatives.some((other) => outsideRecoveryRegion(other, regions) === undefined)) continue;
      found.push({ step: step.step, call: stepCall, dependsOn });
    }
  }
  return found;
}

/** Why a call is outside the recovery region's own APIs, in words; undefined when it is not. */
export function outsideRecoveryRegion(
  stepCall: Pick<StepCall, "action" | "region">,
  regions: { source: string; target: string },
): string | undefined {
  if (isRoute53Api(stepCall.action)) return `depends on ${ROUTE53_API_REGION}'s Route 53 API`;
  if (stepCall.region === regions.source) return `needs ${regions.source}, the region being left`;
  if (stepCall.region !== regions.target) return `needs ${stepCall.region}, outside the recovery region`;
  return undefined;
}

/** Route 53's API (records, changes, health-check status) is a global control plane served from us-east-1. */
export function isRoute53Api(action: string): boolean {
  return action.startsWith("route53:");
}

export const AUTHORITATIVE_DNS =
  "DNS queries to the hosted zone's authoritative name servers (Route 53's data plane), until every record answers with the target region's value";

export function call(action: string, region: string, critical: boolean, note?: string): StepCall {
  return { action, region, critical, ...(note === undefined ? {} : { note }) };
}

/** Each audit record: the chain's head, then a conditional put of the next record. */
export function auditTrail(region: string): StepCall[] {
  return [
    call("dynamodb:Query", region, true, "audit trail: the chain's head"),
    call("dynamodb:PutItem", region, true, "audit trail: appends a record"),
  ];
}

/** The detector decides from the event and the control plane's own table alone, and never waits. */
function detectorCalls(home: string): StepCall[] {
  return [
    call("dynamodb:GetItem", home, true, "plan state: lock, cooldown, active region"),
    call("dynamodb:UpdateItem", home, true, "plan state: takes the lock"),
    ...auditTrail(home),
    call("states:StartExecution", home, true, "starts the failover"),
  ];
}

/** Every capacity block's read and change in one region: EKS nodegroups, Auto Scaling groups, ECS services. */
function capacityCalls(plan: Plan, region: string, why: string): StepCall[] {
  const uses = (kind: string) => plan.recovery.blocks.some((block) => block.kind === kind);
  return [
    ...(uses("eks")
      ? [
          call("eks:DescribeNodegroup", region, true, why),
          call("eks:UpdateNodegroupConfig", region, true, why),
        ]
      : []),
    ...(uses("auto-scaling-group")
      ? [
          call("autoscaling:DescribeAutoScalingGroups", region, true, why),
          call("autoscaling:UpdateAutoScalingGroup", region, true, why),
        ]
      : []),
    ...(uses("ecs-service")
      ? [call("ecs:DescribeServices", region, true, why), call("ecs:UpdateService", region, true, why)]
      : []),
  ];
}

/** The hold and the flap check: the trigger alarms are read where they answer, through probes. */
function confirmSignalCalls(plan: Plan, home: string): StepCall[] {
  const alarmRegions = [...new Set(plan.triggers.alarms.map((alarm) => alarm.region))];
  return [
    call("dynamodb:GetItem", home, true, "plan state: this execution still holds the lock"),
    ...alarmRegions.map((region) =>
      call(
        "cloudwatch:DescribeAlarms",
        region,
        false,
        "the trigger alarms, until the signal has held; an alarm whose region does not answer counts as still in ALARM if it fired",
      ),
    ),
    call("dynamodb:UpdateItem", home, true, "plan state: releases the lock when the signal cleared"),
    ...auditTrail(home),
    call("sns:Publish", home, true, "notifies the on-call topic when the signal cleared"),
  ];
}

function precheckCalls(plan: Plan, target: string): StepCall[] {
  return [
    call("rds:DescribeGlobalClusters", target, true, "the target is a member (or already the writer)"),
    call(
      "rds:DescribeDBClusters",
      target,
      true,
      "the target cluster is available (a probe client: no answer counts as not available)",
    ),
    call("cloudwatch:GetMetricData", target, true, "AuroraGlobalDBRPOLag, while the target is a secondary"),
    call("eks:DescribeCluster", target, true),
    call("eks:ListNodegroups", target, true),
    call("eks:DescribeNodegroup", target, true),
    ...healthCheckReads(plan, target, "unhealthy stops the run; no answer is recorded and does not"),
  ];
}

export function promotionCalls(plan: Plan, kind: WorkflowKind, source: string, target: string): StepCall[] {
  const failover = kind === "failover";
  return [
    call(
      "rds:DescribeGlobalClusters",
      target,
      true,
      "who is the writer, any promotion in progress, the engine",
    ),
    call(
      "cloudwatch:GetMetricData",
      target,
      true,
      "the lag from the metric the engine has (AuroraGlobalDBRPOLag, else AuroraGlobalDBReplicationLag): evidence, then the RPO estimate",
    ),
    call(
      "rds:DescribeDBClusters",
      source,
      false,
      "looks at the old primary through a probe, each poll of the evidence window: its status, or no answer",
    ),
    ...healthCheckReads(plan, source, "evidence about the old primary; no answer is recorded as unknown"),
    call(
      "rds:SwitchoverGlobalCluster",
      source,
      !failover,
      failover
        ? "sent to the old primary's region, as AWS documents, and only once it has answered alive"
        : "sent to the current primary's region, as AWS documents: a switchover needs it",
    ),
    ...(failover && plan.database.dataLoss !== "never"
      ? [
          call(
            "rds:FailoverGlobalCluster",
            target,
            true,
            `with AllowDataLoss, sent to the region promoted, when the old primary is down and database.dataLoss "${plan.database.dataLoss}" allows the lag`,
          ),
        ]
      : []),
    // A switchover leaves no writer while it runs, so the gates flip inside that window; back again
    // should it end with the old writer still writing.
    ...(plan.dns.gates === undefined
      ? []
      : gateCalls(plan, plan.dns.gates, source, target).map((gate) => ({
          ...gate,
          note: `switchover only, once Aurora has begun it: ${gate.note ?? ""}`,
        }))),
  ];
}

export function scalingCalls(region: string): StepCall[] {
  return [
    call("eks:DescribeNodegroup", region, true),
    call("eks:UpdateNodegroupConfig", region, true),
    call(
      "eks:DescribeCluster",
      region,
      true,
      "the cluster's Kubernetes API endpoint and CA, once per instance; the token is presigned locally (no STS call)",
    ),
  ];
}

/** Ready nodes and pods are only known to the cluster's own API server, in the cluster's region. */
export function kubernetesApi(region: string): string {
  return `the Kubernetes API of the EKS cluster in ${region}: Ready nodes per nodegroup, the plan's Deployments (read, scaled)`;
}

export function trafficCalls(plan: Plan, source: string, target: string): StepCall[] {
  const writer = call(
    "rds:DescribeGlobalClusters",
    target,
    true,
    "the target is the confirmed writer before traffic moves",
  );
  const gates = plan.dns.gates;
  if (gates !== undefined) return [writer, ...gateCalls(plan, gates, source, target)];
  const api = "record edits: depends on us-east-1's Route 53 API";
  return [
    writer,
    call("route53:ListResourceRecordSets", ROUTE53_API_REGION, true, api),
    call("route53:ChangeResourceRecordSets", ROUTE53_API_REGION, true, api),
    call("route53:GetChange", ROUTE53_API_REGION, true, `${api} (until INSYNC)`),
  ];
}

/** What flips each kind of gate; all go through regional endpoints, never Route 53's API. */
const GATE_ACTIONS: Record<TrafficGates["kind"], { action: string; how: string }> = {
  "cloudwatch-alarm": {
    action: "cloudwatch:PutMetricData",
    how: "the gate metric, whose alarms the gates' health checks follow",
  },
  "s3-object": {
    action: "s3:PutObject",
    how: "the gate objects the gates' health checks read (the region left closes first)",
  },
  "arc-routing-control": {
    action: "route53-recovery-cluster:UpdateRoutingControlStates",
    how: "ARC cluster endpoints, tried in turn until one answers",
  },
};

function gateCalls(plan: Plan, gates: TrafficGates, source: string, target: string): StepCall[] {
  const { action, how } = GATE_ACTIONS[gates.kind];
  const regions = gateEndpointRegions(plan);
  const alternatives = regions.length > 1;
  return regions.map((region) => ({
    ...call(action, region, true, `opens ${target}'s gate and closes ${source}'s: ${how}`),
    ...(alternatives ? { anyOf: "gate-endpoints" } : {}),
  }));
}

export function healthCheckReads(plan: Plan, region: string, note: string): StepCall[] {
  const any = plan.dns.records.some((record) => record.targets[region]?.healthCheckId !== undefined);
  return any
    ? [call("route53:GetHealthCheckStatus", ROUTE53_API_REGION, false, `the target's health checks: ${note}`)]
    : [];
}

function verifyHealthNote(plan: Plan): string {
  return plan.dns.gates === undefined
    ? "unhealthy keeps verification polling; no answer is recorded and does not"
    : "recorded only: the DNS answers decide";
}
