import { databaseViews } from "../../core/blocks/block-views.js";
import { capacityChecks, workloadKey } from "../../core/failover/capacity.js";
import type { DnsRecord, Plan } from "../../core/plan/schema.js";
import { type EvaluationWindow, outageStart } from "../../core/report/outage-start.js";
import type { RecordedRequest } from "../../core/report/run-facts.js";
import type { KubernetesModel } from "../services/kubernetes-model.js";
import type { RdsModel } from "../services/rds-model.js";
import type { Route53Model } from "../services/route53-model.js";
import type { SandboxExecution } from "../services/sfn-model.js";
import type { VirtualClock } from "../virtual-clock.js";

/**
 * Recovery as users feel it, read from what the sandbox's data planes answer rather than from what kirikae
 * records: each modelled second, whether every record's DNS answer names the writer's region, that region
 * serves, and it has the plan's share of its active capacity Ready (compute.trafficAtCapacity). The
 * seconds where all of that holds are kept as spans; a workflow's recovery is the first span that begins
 * after its trigger.
 */
export interface RecoveryWatch {
  stop(): RecoverySpan[];
}

export interface RecoverySpan {
  /** The first sampled second at which users were served by the writer region at capacity. */
  from: Date;
  region: string;
}

export interface RecoveryWatchOptions {
  clock: VirtualClock;
  plan: Plan;
  rds: Pick<RdsModel, "writerOf" | "statusOf">;
  route53: Pick<Route53Model, "answer">;
  kubernetes: Pick<KubernetesModel, "readyNodes" | "deployment">;
  serves(region: string, record: DnsRecord): boolean;
}

export function startRecoveryWatch(options: RecoveryWatchOptions): RecoveryWatch {
  const { clock } = options;
  const spans: RecoverySpan[] = [];
  let current: string | undefined = servedRegion(options);
  let stopped = false;
  const sample = () => {
    const region = servedRegion(options);
    if (region !== undefined && region !== current) spans.push({ from: clock.now(), region });
    current = region;
  };
  const unsubscribe = clock.onAdvance(
    (fromMs, toMs) => {
      if (Math.floor(toMs / 1000) !== Math.floor(fromMs / 1000)) sample();
    },
    { everyMs: 1000 },
  );
  return {
    stop: () => {
      // The drill may end between two whole seconds, just after the change that served users.
      if (!stopped) {
        sample();
        unsubscribe();
      }
      stopped = true;
      return spans.map((span) => ({ ...span }));
    },
  };
}

/** The writer's region when users are served there at the plan's capacity share; otherwise undefined. */
function servedRegion(options: RecoveryWatchOptions): string | undefined {
  const { plan, rds, route53, kubernetes } = options;
  const writers = databaseViews(plan).map((view) => {
    const id = view.database.globalClusterIdentifier;
    return rds.statusOf(id) === "available" ? rds.writerOf(id)?.region : undefined;
  });
  const [writer] = writers;
  if (writer === undefined || writers.some((region) => region !== writer)) return undefined;
  const answered = plan.dns.records.every((record) => {
    const value = record.targets[writer]?.value;
    const answer = route53.answer(plan.dns.hostedZoneId, record.name, record.type).map(normalise);
    return (
      value !== undefined &&
      answer.length > 0 &&
      answer.every((entry) => entry === normalise(value)) &&
      options.serves(writer, record)
    );
  });
  if (!answered) return undefined;
  const atCapacity = plan.compute.clusters
    .filter((cluster) => cluster.region === writer)
    .every((cluster) => {
      const nodes = Object.fromEntries(
        cluster.nodegroups.map((ng) => [ng.name, kubernetes.readyNodes(writer, cluster.name, ng.name)]),
      );
      const pods = Object.fromEntries(
        cluster.workloads.map((workload) => [
          workloadKey(workload),
          kubernetes.deployment(writer, cluster.name, workload.namespace, workload.name)?.readyReplicas ?? 0,
        ]),
      );
      return capacityChecks(cluster, { nodes, pods }, plan.compute.trafficAtCapacity).every(
        (check) => check.ok,
      );
    });
  return atCapacity ? writer : undefined;
}

function normalise(value: string): string {
  return value.toLowerCase().replace(/\.$/, "");
}

/** One workflow's recovery time three ways, each in seconds; null where the run never served users. */
export interface UserRto {
  /** Outage start to the alarm's state change: exact, from the scenario's fault (0 for a hand-started run). */
  detectionSeconds: number;
  /** The alarm (or the request) to users served by the writer region at capacity, from DNS answers. */
  recoverySeconds: number | null;
  /** Outage start to the last DNS answer reaching the writer region, plus the records' TTL. */
  userVisibleRtoSeconds: number | null;
  /** The alarm to kirikae's own verification (what the workflow believes). */
  verifiedRtoSeconds: number | null;
  ttlSeconds: number;
  outage: {
    /** Exact, in the sandbox: when the scenario's fault began (the request, for a hand-started run). */
    startedAt: string;
    /** As a report would estimate it: one evaluation window of the trigger alarm before its state change. */
    estimatedStartedAt: string | null;
    estimatedDetectionSeconds: number | null;
    window: (EvaluationWindow | (Omit<EvaluationWindow, "source"> & { source: "alarm" })) | null;
  };
  triggeredAt: string;
  recoveredAt: string | null;
}

/** The longest TTL of the plan's records: how long a resolver may keep sending users to the old answer. */
export function recordsTtlSeconds(plan: Plan): number {
  return Math.max(0, ...plan.dns.records.map((record) => record.ttlSeconds));
}

/**
 * The three figures for one execution. The trigger time is the alarm's state change for a failover (its
 * request's detectedAt), and the request itself for a run started by hand.
 */
export function userRto(options: {
  plan: Plan;
  execution: SandboxExecution;
  incidentStartedAt: Date;
  spans: readonly RecoverySpan[];
  verifiedRtoSeconds: number | null;
  /** The region the run moves users to. */
  targetRegion: string;
  /** The trigger alarm's evaluation window as CloudWatch defines it, when the plan does not create it. */
  alarmWindow?: (region: string, name: string) => Omit<EvaluationWindow, "source"> | undefined;
}): UserRto {
  const { plan, execution } = options;
  const request = requestOf(execution);
  const trigger = request?.trigger;
  const byAlarm = trigger?.type === "alarm" && typeof trigger.detectedAt === "string";
  const triggeredAt = byAlarm && trigger.detectedAt ? new Date(trigger.detectedAt) : execution.startDate;
  const startedAt = byAlarm ? options.incidentStartedAt : triggeredAt;
  const detectionSeconds = seconds(startedAt, triggeredAt);
  const span = options.spans.find(
    (candidate) =>
      candidate.from.getTime() >= triggeredAt.getTime() && candidate.region === options.targetRegion,
  );
  const ttlSeconds = recordsTtlSeconds(plan);
  const recoverySeconds = span ? seconds(triggeredAt, span.from) : null;
  const estimate = byAlarm ? estimateStart(plan, request, options.alarmWindow) : null;
  return {
    detectionSeconds,
    recoverySeconds,
    userVisibleRtoSeconds: span ? seconds(startedAt, span.from) + ttlSeconds : null,
    verifiedRtoSeconds: options.verifiedRtoSeconds,
    ttlSeconds,
    outage: {
      startedAt: startedAt.toISOString(),
      estimatedStartedAt: estimate?.at ?? null,
      estimatedDetectionSeconds: estimate ? seconds(new Date(estimate.at), triggeredAt) : null,
      window: estimate?.window ?? null,
    },
    triggeredAt: triggeredAt.toISOString(),
    recoveredAt: span?.from.toISOString() ?? null,
  };
}

/**
 * core/report's estimate, as an incident report makes it; an alarm kept outside the plan has its window
 * read from CloudWatch's definition of it (what DescribeAlarms shows a person), since the alarm's event
 * carries its period but not its evaluation periods.
 */
function estimateStart(
  plan: Plan,
  request: RecordedRequest | undefined,
  alarmWindow: ((region: string, name: string) => Omit<EvaluationWindow, "source"> | undefined) | undefined,
): { at: string; window: NonNullable<UserRto["outage"]["window"]> } | null {
  const start = outageStart(plan, request);
  if (start.kind === "estimated") return { at: start.at, window: start.window };
  if (start.kind !== "window-unknown" || !alarmWindow) return null;
  const window = alarmWindow(start.alarm.region, start.alarm.name);
  if (!window) return null;
  const at = Date.parse(start.detectedAt) - window.periodSeconds * window.evaluationPeriods * 1000;
  return { at: new Date(at).toISOString(), window: { ...window, source: "alarm" } };
}

function requestOf(execution: SandboxExecution): RecordedRequest | undefined {
  let input = execution.input;
  if (typeof input === "string") {
    try {
      input = JSON.parse(input);
    } catch {
      return undefined;
    }
  }
  if (typeof input !== "object" || input === null) return undefined;
  const candidate = input as Partial<RecordedRequest> & { trigger?: unknown };
  if (typeof candidate.trigger !== "object" || candidate.trigger === null) return undefined;
  return candidate as RecordedRequest;
}

function seconds(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / 1000;
}
