import { readFile } from "node:fs/promises";
import { z } from "zod";
import { KirikaeError } from "../core/errors.js";

/** A `--latencies` file that cannot be used: the drill or bench does not start. */
export class LatencyFileError extends KirikaeError {
  constructor(message: string) {
    super(message, {
      action:
        'write a JSON object of durations in milliseconds, e.g. {"auroraFailover": 90000}, using only the allowed keys',
    });
    this.name = "LatencyFileError";
  }
}

/**
 * Every AWS latency the sandbox models, in one table, each set to the typical public figure (not the best
 * case) with its source beside it. The service models default from here; `kirikae drill --latencies FILE`
 * and the benches replay other values (an account's own measured drill) through `loadLatencies`.
 *
 * Durations are in milliseconds; `healthCheckFailureThreshold` is a count.
 */
export interface Latencies {
  /** Route 53 health checks' request interval, standard. */
  healthCheckInterval: number;
  /** Route 53 health checks' fast request interval. */
  fastHealthCheckInterval: number;
  /** Consecutive failed checks before Route 53 calls an endpoint unhealthy. */
  healthCheckFailureThreshold: number;
  /** A CloudWatch alarm's period (standard resolution). */
  alarmPeriod: number;
  /** After a period closes, before CloudWatch has evaluated it and published the alarm's state. */
  alarmEvaluation: number;
  /** After an alarm changes state, before the Route 53 health check that reads it reports the change. */
  alarmHealthCheckLag: number;
  /** Aurora global database switchover (no data loss): the old writer drained, the secondary promoted. */
  auroraSwitchover: number;
  /** Aurora global database failover (data loss allowed): the secondary promoted. */
  auroraFailover: number;
  /** An accepted UpdateNodegroupConfig, until the Auto Scaling group has the new size. */
  eksNodegroupUpdate: number;
  /** A new node launched, bootstrapped, joined and Ready. */
  nodeReady: number;
  /** Each further node of a scale-up, after the one before it. */
  nodeReadyStagger: number;
  /** A node taken away: cordoned, drained, terminated. */
  nodeDrain: number;
  /** Cluster Autoscaler's --scan-interval. */
  clusterAutoscalerScan: number;
  /** A pod scheduled on a Ready node until it passes its readiness probe. */
  podReady: number;
  /** A ChangeResourceRecordSets batch until GetChange reports INSYNC. */
  route53ChangePropagation: number;
  /** An ARC routing control's new state until the health check that reads it reports it. */
  gatePropagationArcRoutingControl: number;
  /** A CloudTrail management event, from the call until LookupEvents returns it. */
  cloudTrailDelivery: number;
  /** An Auto Scaling group's new instance, from the capacity change until it is InService. */
  asgInstanceInService: number;
  /** An ECS service's new task, from UpdateService until it is RUNNING (and registered healthy). */
  ecsTaskRunning: number;
}

export const DEFAULT_LATENCIES: Readonly<Latencies> = Object.freeze({
  // Route 53 Developer Guide, "Values that you specify when you create or update health checks": request
  // interval 30 s (standard, the default) or 10 s (fast); failure threshold default 3.
  // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html
  healthCheckInterval: 30_000,
  fastHealthCheckInterval: 10_000,
  healthCheckFailureThreshold: 3,
  // CloudWatch User Guide, "Using Amazon CloudWatch alarms": standard-resolution alarms evaluate 60 s
  // periods. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
  alarmPeriod: 60_000,
  // No published figure: CloudWatch evaluates a period shortly after it closes; half a period is assumed.
  alarmEvaluation: 30_000,
  // No published figure: Route 53 checkers read the alarm's data on their own schedule; one standard
  // interval is assumed (Route 53 Developer Guide, "Monitoring a CloudWatch alarm").
  alarmHealthCheckLag: 30_000,
  // Aurora User Guide, "Performing switchovers for Amazon Aurora global databases": the databases are
  // unavailable "for a short time" while both clusters change roles and the secondaries synchronise first;
  // AWS gives no number. About a minute for the promotion plus the old writer's drain is assumed.
  // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html
  auroraSwitchover: 75_000,
  // Aurora User Guide, "Using Amazon Aurora Global Database" (advantages): a secondary is promoted to
  // read/write "in typically less than a minute"; the typical figure, a minute, is used (was 45 s).
  // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html
  auroraFailover: 60_000,
  // EKS User Guide, "Update a managed node group": the update changes the Auto Scaling group; seconds.
  // https://docs.aws.amazon.com/eks/latest/userguide/update-managed-node-group.html
  eksNodegroupUpdate: 20_000,
  // EKS Best Practices Guide, "Cluster Autoscaling": a new EC2 node takes about two minutes to launch,
  // bootstrap and join as Ready. https://docs.aws.amazon.com/eks/latest/best-practices/cas.html
  nodeReady: 120_000,
  // No published figure: EC2 launches in a scale-up are staggered; 15 s a node is assumed.
  nodeReadyStagger: 15_000,
  // Kubernetes documentation, "Pod termination": the default grace period is 30 s; drain plus terminate,
  // a minute, is assumed. https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/
  nodeDrain: 60_000,
  // Cluster Autoscaler FAQ: --scan-interval defaults to 10 s.
  // https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md
  clusterAutoscalerScan: 10_000,
  // No published figure: image pull, start and the first passing readiness probe; 30 s is assumed.
  podReady: 30_000,
  // Route 53 Developer Guide, "Editing records": "Changes generally propagate to all Route 53 name servers
  // within 60 seconds" (was 30 s).
  // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-editing.html
  route53ChangePropagation: 60_000,
  // Route 53 ARC Developer Guide, "Routing control": a routing control's health check reflects a new
  // state within seconds; one fast health-check interval is assumed.
  // https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.html
  gatePropagationArcRoutingControl: 10_000,
  // CloudTrail User Guide, "How CloudTrail works": CloudTrail "typically delivers an event within an
  // average of about 5 minutes of an API call. This time is not guaranteed."
  // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-cloudtrail-works.html
  cloudTrailDelivery: 300_000,
  // EC2 Auto Scaling User Guide, "Amazon EC2 Auto Scaling instance lifecycle": an instance starts Pending
  // and enters InService once it is fully configured and passes the EC2 health checks (registered with
  // the group's load balancer first). AWS gives no duration for this; the EKS Best Practices Guide's
  // "about two minutes" for a new EC2 instance to launch and be usable (nodeReady) is taken.
  // https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-lifecycle.html
  asgInstanceInService: 120_000,
  // Amazon ECS Developer Guide, "Optimize load balancer health check parameters for Amazon ECS": a newly
  // registered target needs one passing health check, every 30 s by default, before ECS counts the
  // container healthy. No published figure for image pull and start (PROVISIONING to RUNNING); 30 s is
  // assumed, one interval is added for the target registration.
  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-healthcheck.html
  ecsTaskRunning: 60_000,
});

export const LATENCY_NAMES = Object.keys(DEFAULT_LATENCIES) as Array<keyof Latencies>;

const duration = z.number().finite().nonnegative();

/** An overrides file: any subset of the table's keys; an unknown key is an error naming the allowed ones. */
export const latencyOverridesSchema = z
  .object({
    ...Object.fromEntries(LATENCY_NAMES.map((name) => [name, duration.optional()])),
    healthCheckFailureThreshold: z.number().int().min(1).max(10).optional(),
  } as Record<keyof Latencies, z.ZodOptional<z.ZodNumber>>)
  .strict();

export type LatencyOverrides = Partial<Latencies>;

/** The table with `overrides` applied. */
export function resolveLatencies(overrides: LatencyOverrides = {}): Latencies {
  return { ...DEFAULT_LATENCIES, ...overrides };
}

/** Checks parsed JSON against the table's keys; throws with every problem, naming the allowed keys. */
export function parseLatencyOverrides(input: unknown, source = "latencies"): LatencyOverrides {
  const result = latencyOverridesSchema.safeParse(input);
  if (result.success) return result.data as LatencyOverrides;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}`;
    }
    const path = issue.path.join(".");
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  throw new LatencyFileError(
    `${source}: ${problems.join("; ")} (allowed keys, durations in ms: ${LATENCY_NAMES.join(", ")})`,
  );
}

/** Reads a JSON file of overrides (`--latencies FILE`). */
export async function loadLatencies(file: string): Promise<LatencyOverrides> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new LatencyFileError(
      `${file}: cannot read a JSON object of latencies: ${(error as Error).message}`,
    );
  }
  return parseLatencyOverrides(parsed, file);
}

/** Route 53's time to call a dead endpoint unhealthy: request interval x failure threshold. */
export function detectionDelayMs(latencies: Latencies = DEFAULT_LATENCIES): number {
  return latencies.healthCheckInterval * latencies.healthCheckFailureThreshold;
}
