import { PROBE_TIMEOUT_MS } from "../adapters/aws/region-clients.js";
import { clusterFor, memberArn, otherRegion } from "../core/failover/plan-lookup.js";
import { PROMOTION_POLL_SECONDS, type PromotionMode } from "../core/failover/promote-database.js";
import { SCALING_POLL_SECONDS } from "../core/failover/scale-nodegroups.js";
import { TRAFFIC_POLL_SECONDS } from "../core/failover/switch-traffic.js";
import { VERIFY_POLL_SECONDS } from "../core/failover/verify-recovery.js";
import type { Plan } from "../core/plan/schema.js";
import { gateEndpointRegions, type TrafficMode, trafficMode } from "../core/traffic/gates.js";
import { ROUTE53_API_REGION } from "../core/workflow/global-control-planes.js";
import type { StepCalls, StepDependency } from "../core/workflow/step-calls.js";
import {
  type CriticalPath,
  dnsPropagationSeconds,
  failbackCriticalPath,
  failoverCriticalPath,
  formatCriticalPath,
  MODELLED_TIMINGS,
  type NodegroupScaling,
  nodegroupScalings,
  promotionSeconds,
} from "../sandbox/critical-path.js";
import { type BlockOutline, outlineBlocks } from "../steps/block-outline.js";
import { workflowDependencies, workflowStepCalls } from "../steps/workflow-calls.js";
import { type DetectionEstimate, detectionEstimate } from "./detection-estimate.js";

/** One step of a workflow as `plan explain` tells it; steps sharing a leading number run in parallel. */
export interface ExplainedStep {
  number: string;
  id:
    | "accept"
    | "precheck"
    | "approval"
    | "promote-database"
    | "scale-up"
    | "switch-traffic"
    | "verify"
    | "scale-down"
    | "outcome";
  title: string;
  /** What a person reads, a line each; list entries begin with "- ". Scripts read the fields below. */
  lines: string[];
  checks?: Array<{ name: string; checks: string; required: boolean; region: string }>;
  promotion?: Array<{
    mode: PromotionMode;
    call: string;
    when: string;
    allowed: boolean;
    modelledSeconds: number;
  }>;
  nodegroups?: Array<NodegroupScaling & { region: string; cluster: string }>;
  records?: Array<{ name: string; type: string; change: string }>;
}

export interface CriticalPathEstimate {
  /** The circumstance this estimate holds for. */
  when: string;
  path: CriticalPath;
  /** "hold 60 s + max(promotion 45 s, scale-up 180 s) + DNS propagation 30 s = 270 s" */
  expression: string;
  seconds: number;
  objectiveSeconds: number;
  withinObjective: boolean;
}

export interface WorkflowExplanation {
  kind: "failover" | "failback";
  from: string;
  to: string;
  steps: ExplainedStep[];
  criticalPaths: CriticalPathEstimate[];
  /** Each state machine step's AWS calls: action, region, and whether the step waits on it. */
  calls: StepCalls[];
  /** Critical calls beyond the recovery region's own APIs: the region left, us-east-1's Route 53 API. */
  dependencies: StepDependency[];
}

/** What `kirikae plan explain --json` prints for a valid plan. */
export interface PlanExplanation {
  ok: true;
  file: string;
  plan: {
    name: string;
    activeRegion: string;
    standbyRegion: string;
    routing: Plan["dns"]["routing"];
    /** "gates": traffic moves on Route 53's data plane; "record-edits": through its API in us-east-1. */
    traffic: TrafficMode;
    mode: Plan["triggers"]["mode"];
    objectives: Plan["objectives"];
  };
  failover: WorkflowExplanation;
  failback: WorkflowExplanation;
  /** When the first trigger alarm that can arrive fires after the active region goes dark, and what it costs. */
  detection: DetectionEstimate | null;
  /** What the plan declares that the steps above do not cover, or that needs a person. */
  /** The plan's recovery blocks and the order each workflow runs them in (steps/block-outline.ts). */
  blocks: BlockOutline;
  notes: string[];
  /** The sandbox's modelled AWS latencies the estimates add up, in seconds. */
  modelledLatencies: Record<string, number>;
}

/**
 * What the failover and the failback would do for this plan, in the order the state machines run
 * them, each step worded from the same plan fields and constants the steps themselves use, with the
 * critical path in the sandbox's modelled latencies against the plan's RTO objective.
 */
export function explainPlan(plan: Plan, file: string): PlanExplanation {
  const standby = otherRegion(plan, plan.activeRegion);
  return {
    ok: true,
    file,
    plan: {
      name: plan.name,
      activeRegion: plan.activeRegion,
      standbyRegion: standby,
      routing: plan.dns.routing,
      traffic: trafficMode(plan),
      mode: plan.triggers.mode,
      objectives: plan.objectives,
    },
    failover: {
      kind: "failover",
      from: plan.activeRegion,
      to: standby,
      steps: failoverSteps(plan, plan.activeRegion, standby),
      criticalPaths: failoverEstimates(plan),
      calls: workflowStepCalls(plan, "failover"),
      dependencies: workflowDependencies(plan, "failover"),
    },
    failback: {
      kind: "failback",
      from: standby,
      to: plan.activeRegion,
      steps: failbackSteps(plan, standby, plan.activeRegion),
      criticalPaths: failbackEstimates(plan),
      calls: workflowStepCalls(plan, "failback"),
      dependencies: workflowDependencies(plan, "failback"),
    },
    detection: detectionEstimate(plan),
    blocks: outlineBlocks(plan),
    notes: notes(plan),
    modelledLatencies: {
      switchoverSeconds: promotionSeconds("switchover"),
      failoverSeconds: promotionSeconds("failover"),
      nodegroupScaleUpBaseSeconds: MODELLED_TIMINGS.eks.scaleBaseMs / 1000,
      nodegroupScaleUpPerNodeSeconds: MODELLED_TIMINGS.eks.scalePerNodeMs / 1000,
      nodegroupScaleDownSeconds: MODELLED_TIMINGS.eks.scaleDownMs / 1000,
      dnsPropagationSeconds: dnsPropagationSeconds(),
    },
  };
}

function failoverSteps(plan: Plan, from: string, to: string): ExplainedStep[] {
  const { triggers } = plan;
  const approval = triggers.mode === "approval";
  const alarms = triggers.alarms.map((alarm) => `${alarm.name} (${alarm.region})`).join(", ");
  return numbered([
    {
      id: "accept",
      title: "Accept the request and take the plan's lock",
      lines: [
        `When an alarm goes to ALARM (${alarms}), the detector in ${to} starts kirikae-<stage>-${plan.name}-failover there at once, named after the plan and the alarm's state change so a repeated event starts nothing more; the workflow holds the signal ${triggers.holdSeconds} s and re-reads the alarms where they answer (one whose region does not answer counts as still in ALARM)${approval ? ", then waits for a person after its pre-checks" : ""}; ${
          triggers.prepareDuringHold
            ? `the standby's capacity is asked for its active sizes before the hold starts (triggers.prepareDuringHold), so nodes launch while it runs; an alarm that clears within the hold puts that capacity back, audited, and ends the run.`
            : "an alarm that clears within the hold ends it with nothing changed."
        }`,
        `A person can start it too (npx kirikae failover --plan ${plan.name} --reason "..."); starting it by hand is the decision, so it needs no approval.`,
        `"Accept request" takes the plan's lock: one workflow per plan at a time, and ${triggers.cooldownMinutes} min between automatic runs; a duplicate alarm event or a second request is refused and audited, changing nothing.`,
      ],
    },
    precheckStep(plan, to),
    ...(approval
      ? [
          {
            id: "approval" as const,
            title: "Wait for approval (triggers.mode is approval)",
            lines: [
              `Nothing has changed yet: the workflow pauses, notifies the on-call engineer with the pre-check results, and waits for npx kirikae approve --plan ${plan.name} --reason "..." (or --reject).`,
              `A rejection, or no answer within ${plan.timeouts.rollbackAfterMinutes} min, ends the failover as NotApproved with nothing changed and the lock released.`,
            ],
          },
        ]
      : []),
    [promotionStep(plan, from, to), scaleStep(plan, to, "standby", "Scale up the nodegroups")],
    trafficStep(plan, from, to),
    verifyStep(plan, to, "the alarm"),
    {
      id: "outcome",
      title: "Record the outcome",
      lines: [
        `The execution's audit record holds the achieved RTO and RPO against the objectives (RTO ${plan.objectives.rtoMinutes} min, RPO ${plan.objectives.rpoMinutes} min); ${to} becomes the plan's active region; the lock is released, so the cooldown starts; the on-call engineer is notified.`,
        ...escalation(
          plan,
          "nodegroups this run scaled up in a region that did not become the writer go back to their standby sizes",
        ),
      ],
    },
  ]);
}

function failbackSteps(plan: Plan, from: string, to: string): ExplainedStep[] {
  const switchover = promotionSeconds("switchover");
  const fromCluster = clusterName(memberArn(plan, from));
  return numbered([
    {
      id: "accept",
      title: "Accept the request and take the plan's lock",
      lines: [
        `A person starts kirikae-<stage>-${plan.name}-failback in ${to}: npx kirikae failback --plan ${plan.name} --reason "...", or "Start execution" in the Step Functions console with {"plan": "${plan.name}", "reason": "...", "ticket": "..."}; the initiator recorded is the IAM identity CloudTrail names.`,
        `Refused, changing nothing and audited, when the plan is already home, another workflow holds the lock, or the reason is missing.`,
      ],
    },
    precheckStep(plan, to),
    scaleStep(plan, to, "standby", "Scale up the returning region first"),
    {
      id: "promote-database",
      title: "Switch the database over",
      lines: [
        `A planned switchover (SwitchoverGlobalCluster) makes ${clusterName(memberArn(plan, to))} the writer, with no data loss; modelled ${switchover} s, polled every ${PROMOTION_POLL_SECONDS} s.`,
        `A failback never fails over: if ${fromCluster} does not answer, the run stops and escalates before DNS moves.`,
      ],
      promotion: [
        {
          mode: "switchover",
          call: "SwitchoverGlobalCluster",
          when: `always (${fromCluster} must answer)`,
          allowed: true,
          modelledSeconds: switchover,
        },
      ],
    },
    trafficStep(plan, from, to),
    verifyStep(plan, to, "the request"),
    scaleStep(plan, from, "active", "Scale down the region left, last"),
    {
      id: "outcome",
      title: "Record the outcome",
      lines: [
        `The execution's audit record holds the achieved RTO and RPO against the objectives; ${to} is the plan's active region again; the lock is released; the on-call engineer is notified.`,
        ...escalation(plan, "nothing is scaled back"),
      ],
    },
  ]);
}

function precheckStep(plan: Plan, region: string): UnnumberedStep {
  const target = clusterName(memberArn(plan, region));
  const cluster = clusterFor(plan, region);
  const required = { required: true, region };
  const checks = [
    {
      name: "database.member",
      checks: `${target} is a member of global cluster ${plan.database.globalClusterIdentifier}`,
      ...required,
    },
    { name: "database.available", checks: `${target} is available`, ...required },
    {
      name: "database.lag",
      checks: `its replication lag (AuroraGlobalDBRPOLag) is within the RPO of ${plan.objectives.rpoMinutes} min`,
      ...required,
    },
    { name: "compute.cluster", checks: `EKS cluster ${cluster.name} is ACTIVE`, ...required },
    ...cluster.nodegroups.map((nodegroup) => ({
      name: `compute.nodegroup.${nodegroup.name}`,
      checks: `nodegroup ${nodegroup.name} exists and its max size in EKS is at least its active size ${nodegroup.activeSize}`,
      ...required,
    })),
    ...plan.dns.records.flatMap((record) => {
      const healthCheckId = record.targets[region]?.healthCheckId;
      return healthCheckId === undefined
        ? []
        : [
            {
              name: `dns.health.${record.name}`,
              checks: `health check ${healthCheckId} is healthy (advisory)`,
              required: false,
              region: ROUTE53_API_REGION,
            },
          ];
    }),
  ];
  const advisory = checks.some((check) => !check.required)
    ? [
        `Advisory checks read Route 53's API in ${ROUTE53_API_REGION} with a ${PROBE_TIMEOUT_MS / 1000} s timeout: an unhealthy answer stops the run, no answer is recorded and does not.`,
      ]
    : [];
  return {
    id: "precheck",
    title: `Pre-checks in ${region}`,
    lines: [
      `Read-only; required checks only call ${region}, and the first one that fails stops the run with nothing changed, naming the check:`,
      ...checks.map((check) => `- ${check.name}: ${check.checks}`),
      ...advisory,
    ],
    checks,
  };
}

function promotionStep(plan: Plan, from: string, to: string): UnnumberedStep {
  const source = clusterName(memberArn(plan, from));
  const target = clusterName(memberArn(plan, to));
  const promotion = [
    {
      mode: "switchover" as const,
      call: "SwitchoverGlobalCluster",
      when: `${source} answers with a healthy status (probed each look, ${PROBE_TIMEOUT_MS / 1000} s timeout)`,
      allowed: true,
      modelledSeconds: promotionSeconds("switchover"),
    },
    {
      mode: "failover" as const,
      call: "FailoverGlobalCluster with AllowDataLoss=true",
      when: `${source} is judged down on agreeing evidence and ${dataLossWhen(plan)}`,
      allowed: plan.database.dataLoss !== "never",
      modelledSeconds: promotionSeconds("failover"),
    },
  ];
  const [switchover, failover] = promotion;
  return {
    id: "promote-database",
    title: `Promote ${target} to writer`,
    lines: [
      `The old primary is looked at from every side (its RDS API, its health checks, the lag) and the decision recorded with that evidence; while the evidence disagrees the step waits (up to 5 min, within the rollback trigger):`,
      `- switchover (${switchover?.call}, sent to the old primary's region, no data loss) when ${switchover?.when}: modelled ${switchover?.modelledSeconds} s`,
      plan.database.dataLoss !== "never"
        ? `- failover (${failover?.call}, sent to ${to}, loses at most the recorded lag) when ${failover?.when}: modelled ${failover?.modelledSeconds} s`
        : `- when ${source} is down: no failover, since database.dataLoss is "never"; the run stops and escalates, DNS untouched`,
      `Polled every ${PROMOTION_POLL_SECONDS} s until ${target} is the writer.`,
    ],
    promotion,
  };
}

function scaleStep(plan: Plan, region: string, from: "standby" | "active", title: string): UnnumberedStep {
  const cluster = clusterFor(plan, region);
  const scalings = nodegroupScalings(cluster, from);
  const to = from === "standby" ? "active" : "standby";
  return {
    id: from === "standby" ? "scale-up" : "scale-down",
    title,
    lines: [
      `Each nodegroup of ${cluster.name} (${region}) goes to its ${to} size (min = desired = that size), done only when EKS reports it ACTIVE at that size; polled every ${SCALING_POLL_SECONDS} s:`,
      ...scalings.map(
        (scaling) =>
          `- ${scaling.name}: ${scaling.fromSize} → ${scaling.toSize} node${scaling.toSize === 1 ? "" : "s"}, ${scaling.seconds === 0 ? "no change" : `modelled ${scaling.seconds} s`}`,
      ),
      ...(from === "standby" && region === plan.activeRegion
        ? [
            "A failover leaves this region's nodegroups as they were, so they usually still have their active sizes and nothing is scaled.",
          ]
        : []),
    ],
    nodegroups: scalings.map((scaling) => ({ ...scaling, region, cluster: cluster.name })),
  };
}

function trafficStep(plan: Plan, from: string, to: string): UnnumberedStep {
  const gates = plan.dns.gates;
  const records = plan.dns.records.map((record) => {
    const target = record.targets[to];
    const source = record.targets[from];
    const change =
      gates !== undefined
        ? `${target?.setIdentifier} (${target?.value}) gate opened, ${source?.setIdentifier} gate closed`
        : plan.dns.routing === "failover"
          ? `${target?.setIdentifier} (${target?.value}) becomes PRIMARY, ${source?.setIdentifier} SECONDARY`
          : `${target?.setIdentifier} (${target?.value}) gets weight ${plan.dns.activeWeight}, ${source?.setIdentifier} weight 0`;
    return { name: record.name, type: record.type, change };
  });
  const writer = `Only once ${clusterName(memberArn(plan, to))} is confirmed the writer (read again here)`;
  if (gates !== undefined) {
    const regions = gateEndpointRegions(plan).join(", ");
    const how = {
      "cloudwatch-alarm": `one PutMetricData of the gate metric in ${regions}, whose alarms the gates' health checks follow`,
      "s3-object": `PutObject of the gate objects in ${regions} (the region left closes first), which the gates' health checks read`,
      "arc-routing-control": `one UpdateRoutingControlStates call to the ARC cluster's endpoints (${regions}), tried in turn until one answers`,
    }[gates.kind];
    return {
      id: "switch-traffic",
      title: `Switch traffic to ${to} (failover routing, by gates)`,
      lines: [
        `${writer}, the gates flip in ${how}; no record is edited:`,
        ...records.map((record) => `- ${record.name} ${record.type}: ${record.change}`),
        `Nothing here calls Route 53's API in ${ROUTE53_API_REGION}: the gates are health checks Route 53's data plane already follows.`,
        `Confirmed when the zone's authoritative name servers answer every record with ${to}'s value; polled every ${TRAFFIC_POLL_SECONDS} s.`,
      ],
      records,
    };
  }
  const plane =
    plan.dns.routing === "failover"
      ? "Route 53's data plane already answers with the SECONDARY while the PRIMARY's health check fails; this edit makes the move permanent."
      : "Traffic moves only when these weights are edited, so this mode depends on Route 53's control plane during the incident.";
  return {
    id: "switch-traffic",
    title: `Switch traffic to ${to} (${plan.dns.routing} routing)`,
    lines: [
      `${writer}; one atomic change per record, only where Route 53 differs:`,
      ...records.map((record) => `- ${record.name} ${record.type}: ${record.change}`),
      `Record edits go through Route 53's control plane in ${ROUTE53_API_REGION}. ${plane}`,
      `Waits until the change is INSYNC (modelled ${dnsPropagationSeconds()} s) and Route 53 answers with ${to}'s value; polled every ${TRAFFIC_POLL_SECONDS} s.`,
    ],
    records,
  };
}

function verifyStep(plan: Plan, region: string, start: string): UnnumberedStep {
  const healthChecks = plan.dns.records.flatMap((record) => {
    const id = record.targets[region]?.healthCheckId;
    return id === undefined ? [] : [id];
  });
  const named = `health check${healthChecks.length > 1 ? "s" : ""} ${healthChecks.join(", ")}`;
  const advisory =
    healthChecks.length === 0
      ? []
      : plan.dns.gates === undefined
        ? [
            `${named} must be healthy too, read from Route 53's API in ${ROUTE53_API_REGION} as advisory: no answer is recorded and does not hold verification up.`,
          ]
        : [
            `${named} ${healthChecks.length > 1 ? "are" : "is"} read afterwards and recorded (advisory: Route 53's API in ${ROUTE53_API_REGION}).`,
          ];
  const done =
    plan.dns.gates === undefined
      ? `${clusterName(memberArn(plan, region))} is the writer`
      : `${clusterName(memberArn(plan, region))} is the writer and the zone's authoritative name servers answer every record with ${region}'s value`;
  return {
    id: "verify",
    title: "Verify recovery",
    lines: [
      `${done}; polled every ${VERIFY_POLL_SECONDS} s until the rollback trigger.`,
      ...advisory,
      `Achieved RTO = from ${start} to now, as users feel it; RPO = the estimate recorded before the promotion.`,
    ],
  };
}

type UnnumberedStep = Omit<ExplainedStep, "number">;

/** Numbers the steps in order; steps given together run in parallel and share a number: 3a, 3b. */
function numbered(stages: Array<UnnumberedStep | UnnumberedStep[]>): ExplainedStep[] {
  return stages.flatMap((stage, index) =>
    Array.isArray(stage)
      ? stage.map((step, branch) => ({
          number: `${index + 1}${String.fromCharCode(97 + branch)}`,
          ...step,
          title: `${step.title} (in parallel)`,
        }))
      : [{ number: String(index + 1), ...stage }],
  );
}

/** When the plan lets a failover lose writes, in words. */
function dataLossWhen(plan: Plan): string {
  switch (plan.database.dataLoss) {
    case "never":
      return "the plan allows no data loss";
    case "within-rpo":
      return `the lag read then is known and within the RPO (${plan.objectives.rpoMinutes} min)`;
    case "approval-above-rpo":
      return `the lag read then is known and within the RPO (${plan.objectives.rpoMinutes} min); above it or unknown, the run pauses and asks a person, stating the lag (npx kirikae approve --plan ${plan.name} --reason "..."; --reject, or no answer before the rollback trigger, escalates with nothing promoted)`;
  }
}

function escalation(plan: Plan, compensation: string): string[] {
  return [
    `If a step fails after the pre-checks, or the run passes its rollback trigger (${plan.timeouts.rollbackAfterMinutes} min after it started): escalate; ${compensation}; a promoted database is never reverted and DNS is not moved by the escalation; a person is notified.`,
  ];
}

function failoverEstimates(plan: Plan): CriticalPathEstimate[] {
  // The unplanned case first: it is what the alarm usually means.
  const modes: Array<[PromotionMode, string]> = [
    ...(plan.database.dataLoss !== "never"
      ? [
          ["failover", "the old primary's region is down (failover with AllowDataLoss)"] as [
            PromotionMode,
            string,
          ],
        ]
      : []),
    ["switchover", "the old primary still answers (switchover)"],
  ];
  const approval = plan.triggers.mode === "approval" ? ", plus the time a person takes to approve" : "";
  return modes.map(([mode, when]) => estimate(plan, `${when}${approval}`, failoverCriticalPath(plan, mode)));
}

function failbackEstimates(plan: Plan): CriticalPathEstimate[] {
  const home = clusterFor(plan, plan.activeRegion).name;
  return [
    estimate(plan, `${home} kept its active sizes`, failbackCriticalPath(plan, "active")),
    estimate(plan, `${home} was scaled down to its standby sizes`, failbackCriticalPath(plan, "standby")),
  ];
}

function estimate(plan: Plan, when: string, path: CriticalPath): CriticalPathEstimate {
  const objectiveSeconds = plan.objectives.rtoMinutes * 60;
  return {
    when,
    path,
    expression: formatCriticalPath(path),
    seconds: path.seconds,
    objectiveSeconds,
    withinObjective: path.seconds <= objectiveSeconds,
  };
}

function notes(plan: Plan): string[] {
  return [
    ...(plan.dns.gates === undefined
      ? [
          `dns.gates is not set, so traffic moves by record edits: the failover depends on ${ROUTE53_API_REGION}'s Route 53 API, which an outage there (or of Route 53's API alone) takes away; add gates to move traffic on Route 53's data plane.`,
        ]
      : []),
    ...(plan.database.dataLoss !== "never"
      ? []
      : [
          'database.dataLoss is "never": if the active region\'s database is down, the failover stops and escalates; set it to "within-rpo" (or "approval-above-rpo") to fail over with data loss bounded by the measured lag.',
        ]),
  ];
}

/** "shop-singapore" from its cluster ARN: what a person recognises in the RDS console. */
function clusterName(arn: string): string {
  return arn.split(":").at(-1) ?? arn;
}
