import type { PromotionMode } from "../core/failover/promote-database.js";
import type { EksClusterPlan, Plan } from "../core/plan/schema.js";
import { firstDetection } from "./alarm-detection.js";
import { DEFAULT_LATENCIES, detectionDelayMs, type Latencies } from "./latencies.js";
import { type EksTimings, nodegroupUpdateMs } from "./services/eks-model.js";
import type { RdsTimings } from "./services/rds-model.js";
import type { Route53Timings } from "./services/route53-model.js";

/**
 * The critical path of a workflow: the chain of AWS waits no control plane can avoid, in the latencies
 * the sandbox models (so a drill's achieved RTO can be held against it). kirikae's own overhead, API
 * latency and polling granularity, is what a drill adds on top. `bench:rto` and `plan explain` both
 * compute it here, so the benchmark's floor and the plan's expected RTO are the same number.
 */

export interface ModelledTimings {
  rds: RdsTimings;
  eks: EksTimings;
  route53: Pick<Route53Timings, "changePropagationMs">;
  /** The whole table, for the gates' propagation (default sandbox/latencies.ts's figures). */
  latencies?: Latencies;
}

/** The timings the sandbox's models run with for a latency table (`--latencies` replays another). */
export function modelledTimings(latencies: Latencies = DEFAULT_LATENCIES): ModelledTimings {
  return {
    rds: { switchoverMs: latencies.auroraSwitchover, failoverMs: latencies.auroraFailover },
    eks: {
      asgUpdateMs: latencies.eksNodegroupUpdate,
      scaleBaseMs: latencies.nodeReady,
      scalePerNodeMs: latencies.nodeReadyStagger,
      scaleDownMs: latencies.nodeDrain,
      autoscalerScanMs: latencies.clusterAutoscalerScan,
    },
    route53: { changePropagationMs: latencies.route53ChangePropagation },
    latencies,
  };
}

export const MODELLED_TIMINGS: ModelledTimings = modelledTimings();

/** One wait on the path; `parallel` waits run together and the slowest of them is the segment's length. */
export interface PathSegment {
  name: string;
  seconds: number;
  parallel?: PathSegment[];
}

export interface CriticalPath {
  segments: PathSegment[];
  seconds: number;
}

export interface NodegroupScaling {
  name: string;
  fromSize: number;
  toSize: number;
  /** 0 when the nodegroup is already at the size: the step makes no call for it. */
  seconds: number;
}

export function promotionSeconds(mode: PromotionMode, timings: ModelledTimings = MODELLED_TIMINGS): number {
  return (mode === "switchover" ? timings.rds.switchoverMs : timings.rds.failoverMs) / 1000;
}

export function dnsPropagationSeconds(timings: ModelledTimings = MODELLED_TIMINGS): number {
  return timings.route53.changePropagationMs / 1000;
}

/**
 * From kirikae's change to the name servers' new answer: a record change's propagation, or a gate's.
 * An alarm gate waits, at worst, for its whole minute to close before CloudWatch and then Route 53 read it.
 */
export function trafficPropagationSeconds(plan: Plan, timings: ModelledTimings = MODELLED_TIMINGS): number {
  return gatePropagationSeconds(plan.dns.gates?.kind, timings);
}

/** Propagation per gate kind (undefined: a record change), from the latency table. */
export function gatePropagationSeconds(
  kind: NonNullable<Plan["dns"]["gates"]>["kind"] | undefined,
  timings: ModelledTimings = MODELLED_TIMINGS,
): number {
  const latencies = timings.latencies ?? DEFAULT_LATENCIES;
  switch (kind) {
    case undefined:
      return dnsPropagationSeconds(timings);
    case "arc-routing-control":
      return latencies.gatePropagationArcRoutingControl / 1000;
    case "s3-object":
      return latencies.fastHealthCheckInterval / 1000;
    case "cloudwatch-alarm":
      return (latencies.alarmPeriod + latencies.alarmEvaluation + latencies.alarmHealthCheckLag) / 1000;
  }
}

/**
 * The traffic segment after a promotion: gates flip as a switchover begins, so only the part of their
 * propagation that outlasts the switchover is left; otherwise the whole propagation follows.
 */
function trafficSegment(plan: Plan, mode: PromotionMode, timings: ModelledTimings): PathSegment {
  const propagation = trafficPropagationSeconds(plan, timings);
  if (plan.dns.gates !== undefined && mode === "switchover") {
    const beyond = Math.max(0, propagation - promotionSeconds("switchover", timings));
    return { name: "gate propagation beyond the switchover", seconds: beyond };
  }
  return { name: plan.dns.gates ? "gate propagation" : "DNS propagation", seconds: propagation };
}

/** Each nodegroup of a cluster moved between its plan sizes, and how long EKS takes for it. */
export function nodegroupScalings(
  cluster: EksClusterPlan,
  from: "standby" | "active",
  timings: ModelledTimings = MODELLED_TIMINGS,
): NodegroupScaling[] {
  return cluster.nodegroups.map((nodegroup) => {
    const fromSize = from === "standby" ? nodegroup.standbySize : nodegroup.activeSize;
    const toSize = from === "standby" ? nodegroup.activeSize : nodegroup.standbySize;
    return {
      name: nodegroup.name,
      fromSize,
      toSize,
      seconds: fromSize === toSize ? 0 : nodegroupUpdateMs(timings.eks, fromSize, toSize) / 1000,
    };
  });
}

/**
 * Failover, from the alarm until users are sent to the new writer: the plan's hold time, then the slower
 * of the database promotion and the standby region's capacity at the plan's traffic share (they run in
 * parallel and traffic waits for both), then the gate's or record's propagation. A plan that prepares
 * during the hold starts its scale-up at the alarm, so the hold runs beside it.
 */
export function failoverCriticalPath(
  plan: Plan,
  mode: PromotionMode,
  timings: ModelledTimings = MODELLED_TIMINGS,
): CriticalPath {
  const standby = plan.compute.clusters.find((cluster) => cluster.region !== plan.activeRegion);
  // Traffic moves once the plan's share of the capacity is Ready; verification waits for the rest after.
  const share = plan.compute.trafficAtCapacity;
  const scaleUp =
    share < 1
      ? { name: `capacity at ${Math.round(share * 100)}%`, seconds: capacitySeconds(standby, share, timings) }
      : { name: "scale-up", seconds: slowest(standby ? nodegroupScalings(standby, "standby", timings) : []) };
  const promotion = { name: "promotion", seconds: promotionSeconds(mode, timings) };
  // A plan that prepares during the hold starts the scale-up at the alarm, so the hold overlaps it.
  if (plan.triggers.prepareDuringHold) {
    const holdThenPromotion = {
      name: "hold + promotion",
      seconds: plan.triggers.holdSeconds + promotion.seconds,
    };
    return path([parallel([holdThenPromotion, scaleUp]), trafficSegment(plan, mode, timings)]);
  }
  return path([
    { name: "hold", seconds: plan.triggers.holdSeconds },
    parallel([promotion, scaleUp]),
    trafficSegment(plan, mode, timings),
  ]);
}

/**
 * Failback, from the request: the returning region's scale-up (nothing when its nodegroups kept their
 * active sizes), then a switchover, then Route 53's propagation, one after the other. The region being
 * left is scaled down after verification, so off the path.
 */
export function failbackCriticalPath(
  plan: Plan,
  returningRegionAt: "standby" | "active",
  timings: ModelledTimings = MODELLED_TIMINGS,
): CriticalPath {
  const home = plan.compute.clusters.find((cluster) => cluster.region === plan.activeRegion);
  const scaleUp =
    returningRegionAt === "standby" && home ? slowest(nodegroupScalings(home, "standby", timings)) : 0;
  return path([
    ...(scaleUp > 0 ? [{ name: "scale-up", seconds: scaleUp }] : []),
    { name: "switchover", seconds: promotionSeconds("switchover", timings) },
    trafficSegment(plan, "switchover", timings),
  ]);
}

/**
 * The outage's start to the first trigger alarm that can reach kirikae, from each alarm's definition and
 * the table (sandbox/alarm-detection.ts). In a failover the active region is dark and its own alarms are
 * lost with it; in a switchover it still answers and every alarm counts.
 */
export function detectionWindowSeconds(
  plan: Plan,
  mode: PromotionMode,
  timings: ModelledTimings = MODELLED_TIMINGS,
): number {
  const latencies = timings.latencies ?? DEFAULT_LATENCIES;
  const first = firstDetection(plan, latencies, mode === "failover" ? plan.activeRegion : undefined);
  return (first?.ms ?? detectionDelayMs(latencies)) / 1000;
}

/** The longest TTL of the plan's records: resolvers may keep the old answer that long after the switch. */
export function ttlSeconds(plan: Plan): number {
  return Math.max(0, ...plan.dns.records.map((record) => record.ttlSeconds));
}

/**
 * From the scale-up call until `fraction` of each nodegroup's active size is Ready (rounded up, as
 * kirikae's capacity checks count), and then, where the plan names Deployments, one pod start.
 */
export function capacitySeconds(
  cluster: EksClusterPlan | undefined,
  fraction: number,
  timings: ModelledTimings = MODELLED_TIMINGS,
): number {
  if (!cluster) return 0;
  const latencies = timings.latencies ?? DEFAULT_LATENCIES;
  const nodes = Math.max(
    0,
    ...cluster.nodegroups.map((nodegroup) => {
      const needed = Math.ceil(nodegroup.activeSize * fraction - 1e-9);
      const added = needed - nodegroup.standbySize;
      return added > 0 ? (timings.eks.scaleBaseMs + added * timings.eks.scalePerNodeMs) / 1000 : 0;
    }),
  );
  return cluster.workloads.length > 0 ? nodes + latencies.podReady / 1000 : nodes;
}

/**
 * The floor of the user-visible RTO: only the AWS waits no control plane can avoid, from the latency
 * table and the plan, never from a run. Detection, then the slower of the promotion and the standby's
 * capacity at the plan's share (they can run together), then whatever of the gate's or record's
 * propagation cannot overlap the promotion, then the records' TTL. No hold: waiting out a flap is the
 * plan's choice, and counted against kirikae.
 */
export function floorPath(
  plan: Plan,
  mode: PromotionMode,
  timings: ModelledTimings = MODELLED_TIMINGS,
): CriticalPath {
  const standby = plan.compute.clusters.find((cluster) => cluster.region !== plan.activeRegion);
  return path([
    { name: "detection", seconds: detectionWindowSeconds(plan, mode, timings) },
    parallel([
      { name: "promotion", seconds: promotionSeconds(mode, timings) },
      { name: "capacity", seconds: capacitySeconds(standby, plan.compute.trafficAtCapacity, timings) },
    ]),
    trafficSegment(plan, mode, timings),
    { name: "TTL", seconds: ttlSeconds(plan) },
  ]);
}

/**
 * What a person following the seed runbooks would take with the same latencies and the same plan: after
 * the same detection and hold, promote the database and wait for it, then scale every standby nodegroup
 * (all at once) and wait for all of its nodes, then switch traffic (the plan's gate, or the records) and
 * wait for the change to propagate; users then wait out the TTL. Nothing overlaps, as in the runbook.
 */
export function sequentialRunbookPath(
  plan: Plan,
  mode: PromotionMode,
  timings: ModelledTimings = MODELLED_TIMINGS,
): CriticalPath {
  const standby = plan.compute.clusters.find((cluster) => cluster.region !== plan.activeRegion);
  return path([
    { name: "detection", seconds: detectionWindowSeconds(plan, mode, timings) },
    { name: "hold", seconds: plan.triggers.holdSeconds },
    { name: "promotion", seconds: promotionSeconds(mode, timings) },
    { name: "scale-up", seconds: capacitySeconds(standby, 1, timings) },
    {
      name: plan.dns.gates ? "gate propagation" : "DNS propagation",
      seconds: trafficPropagationSeconds(plan, timings),
    },
    { name: "TTL", seconds: ttlSeconds(plan) },
  ]);
}

/** "hold 60 s + max(promotion 45 s, scale-up 180 s) + DNS propagation 30 s = 270 s" */
export function formatCriticalPath(criticalPath: CriticalPath): string {
  const term = (segment: PathSegment): string =>
    segment.parallel
      ? `max(${segment.parallel.map(term).join(", ")})`
      : `${segment.name} ${seconds(segment.seconds)}`;
  return `${criticalPath.segments.map(term).join(" + ")} = ${seconds(criticalPath.seconds)}`;
}

function parallel(segments: PathSegment[]): PathSegment {
  return {
    name: segments.map((segment) => segment.name).join(" | "),
    seconds: Math.max(0, ...segments.map((segment) => segment.seconds)),
    parallel: segments,
  };
}

function path(segments: PathSegment[]): CriticalPath {
  return { segments, seconds: segments.reduce((sum, segment) => sum + segment.seconds, 0) };
}

function slowest(scalings: readonly NodegroupScaling[]): number {
  return Math.max(0, ...scalings.map((scaling) => scaling.seconds));
}

function seconds(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)} s`;
}
