import { z } from "zod";

/**
 * The pieces of a DR plan, shared by the plan document (schema.ts) and its recovery blocks
 * (core/blocks/block-schemas.ts). Every rule here exists because a workflow step depends on it; the
 * cross-field rules live in `plan-rules.ts`.
 */

const regionPattern = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
export const regionName = z
  .string()
  .regex(regionPattern, { message: "must be an AWS region code such as ap-northeast-1" });

export const planNamePattern = /^[a-z][a-z0-9-]{0,39}$/;
const identifierPattern = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;
const dbClusterArnPattern = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[A-Za-z][A-Za-z0-9-]{0,62}$/;
const lambdaArnPattern =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9-_]{1,64}(:[A-Za-z0-9-_$]+)?$/;
const hostedZoneIdPattern = /^Z[A-Z0-9]{1,31}$/;
const dnsNamePattern = /^(?=.{1,253}\.?$)([a-z0-9*]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/;

/**
 * A Route 53 alias: how a record points at an ALB or NLB (the way most EKS services are published), since
 * an A record's value must be an IP address. `hostedZoneId` is the load balancer's canonical hosted zone.
 */
export const aliasTargetSchema = z.strictObject({
  hostedZoneId: z
    .string()
    .regex(hostedZoneIdPattern, { message: "must be the target's hosted zone ID, such as Z14GRHDCWA56QT" }),
  dnsName: z.string().toLowerCase().regex(dnsNamePattern, {
    message: "must be the target's DNS name, such as my-alb-123.us-east-1.elb.amazonaws.com",
  }),
  evaluateTargetHealth: z.boolean(),
});

export type AliasTarget = z.output<typeof aliasTargetSchema>;

/**
 * Where one region's traffic goes: a `value` (an IP, or a DNS name for CNAME records) or an `alias`.
 * For an alias, the parsed plan's `value` is the alias's DNS name: what the sandbox answers with and what
 * the switch's confirmation looks for (real resolvers get the load balancer's addresses instead).
 */
const recordTargetSchema = z
  .strictObject({
    value: z
      .string()
      .min(1, { message: "must name where this region's traffic goes (an IP or a DNS name)" })
      .optional(),
    alias: aliasTargetSchema.optional(),
    setIdentifier: z.string().min(1).max(128),
    // Route 53 assigns IDs in the 8-4-4-4-12 hex shape but does not promise RFC 9562 version bits (its
    // own documented example, abcdef11-2222-3333-4444-555555fedcba, has none), so a strict UUID check
    // would reject real IDs.
    healthCheckId: z
      .guid({ message: "must be a Route 53 health check ID (8-4-4-4-12 hex digits)" })
      .optional(),
  })
  .superRefine((target, context) => {
    if ((target.value === undefined) !== (target.alias === undefined)) return;
    context.addIssue({
      code: "custom",
      path: [target.value === undefined ? "value" : "alias"],
      message:
        target.value === undefined
          ? "needs a value (an IP, or a DNS name for CNAME) or an alias (a load balancer's AliasTarget)"
          : "has both a value and an alias: Route 53 takes one or the other",
    });
  })
  .transform(
    ({ value, alias, setIdentifier, healthCheckId }): RecordTarget => ({
      value: alias ? alias.dnsName : (value ?? ""),
      setIdentifier,
      ...(alias ? { alias } : {}),
      ...(healthCheckId === undefined ? {} : { healthCheckId }),
    }),
  );

export interface RecordTarget {
  value: string;
  alias?: AliasTarget;
  setIdentifier: string;
  healthCheckId?: string;
}

export const recordSchema = z.strictObject({
  name: z
    .string()
    .toLowerCase()
    .regex(dnsNamePattern, { message: "must be a DNS name such as app.example.com" }),
  type: z.enum(["A", "AAAA", "CNAME"]),
  ttlSeconds: z.number().int().min(0).max(86_400).default(60),
  targets: z.record(regionName, recordTargetSchema),
});

const routingControlArnPattern =
  /^arn:aws[a-z-]*:route53-recovery-control::\d{12}:controlpanel\/[a-z0-9]+\/routingcontrol\/[a-z0-9]+$/;

/**
 * How traffic moves without editing records during an incident: each region's failover record carries
 * a health check that kirikae controls (a gate), so Route 53's data plane answers with a region only while
 * its gate is open. Both kinds are changed through regional endpoints, never through us-east-1's Route 53 API.
 */
export const gatesSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    /** Route 53 ARC routing controls, flipped through the cluster's regional endpoints (tried in turn). */
    kind: z.literal("arc-routing-control"),
    clusterEndpoints: z
      .array(
        z.strictObject({
          region: regionName,
          url: z.url({ protocol: /^https$/, message: "must be the cluster endpoint's https URL" }),
        }),
      )
      .min(1, { message: "needs the ARC cluster's endpoints (it has five, one per region)" })
      .max(5),
    routingControls: z.record(
      regionName,
      z.string().regex(routingControlArnPattern, { message: "must be a Route 53 ARC routing control ARN" }),
    ),
  }),
  z.strictObject({
    /**
     * An HTTPS health check with string matching on one small object per region, in a bucket in the plan's
     * standby region: no ARC cluster to pay for, and it follows a change within one fast (10 s) interval.
     * The two objects must be readable by Route 53's health checkers (a bucket policy on that prefix).
     */
    kind: z.literal("s3-object"),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "must be an S3 bucket name" }),
  }),
  z.strictObject({
    /**
     * A health check that follows a CloudWatch alarm over a metric kirikae publishes: no ARC cluster to
     * pay for. Both gates' alarms live in the plan's standby region, next to the control plane that runs
     * the failover, so an outage of the active region (or of us-east-1) never holds a gate.
     */
    kind: z.literal("cloudwatch-alarm"),
  }),
]);

export const dnsSchema = z.strictObject({
  hostedZoneId: z
    .string()
    .regex(hostedZoneIdPattern, { message: "must be a hosted zone ID such as Z0123456789ABC" }),
  /** The zone's apex (example.com): whose name servers confirm a switch. Default: the first record's parent. */
  zoneName: z
    .string()
    .toLowerCase()
    .regex(dnsNamePattern, { message: "must be a DNS name such as example.com" })
    .optional(),
  routing: z.enum(["failover", "weighted"]),
  records: z.array(recordSchema).min(1, { message: "needs at least one record to switch" }),
  /** Weighted routing only: the weight given to the region that takes traffic; the other gets 0. */
  activeWeight: z.number().int().min(1).max(255).default(100),
  /**
   * Present: traffic moves on the data plane by gates (failover routing only). Absent: records are edited
   * through Route 53's API, which is served only from us-east-1.
   */
  gates: gatesSchema.optional(),
});

/** What a plan allows an unplanned failover to lose; see databaseSchema.dataLoss. */
export const DATA_LOSS_POLICIES = ["never", "within-rpo", "approval-above-rpo"] as const;
export type DataLossPolicy = (typeof DATA_LOSS_POLICIES)[number];

export const databaseSchema = z
  .strictObject({
    globalClusterIdentifier: z.string().regex(identifierPattern, {
      message: "must be a global cluster identifier (letters, digits, hyphens)",
    }),
    members: z.record(
      regionName,
      z.string().regex(dbClusterArnPattern, { message: "must be a DB cluster ARN" }),
    ),
    /**
     * When an unplanned failover may give up the writes not yet replicated (README, "When kirikae switches
     * over, fails over, waits or asks"): "never"; "within-rpo", when the lag read at decision time is known
     * and within the RPO objective; "approval-above-rpo", as within-rpo, and above it or unknown a person
     * decides. Default "never": losing data is something a plan says, never something it forgets to say.
     */
    dataLoss: z.enum(DATA_LOSS_POLICIES).optional(),
    /**
     * Deprecated: true reads as dataLoss "within-rpo" (the pre-checks already refused a lag above the RPO),
     * false as "never". Still accepted so old plans load; `plan validate` warns.
     */
    allowDataLoss: z.boolean().optional(),
  })
  .refine(
    (database) =>
      database.allowDataLoss === undefined ||
      database.dataLoss === undefined ||
      database.dataLoss === legacyDataLoss(database.allowDataLoss),
    {
      path: ["allowDataLoss"],
      message: "contradicts database.dataLoss; remove database.allowDataLoss (deprecated) and keep dataLoss",
    },
  )
  .transform(({ dataLoss, ...database }) => ({
    ...database,
    dataLoss:
      dataLoss ?? (database.allowDataLoss === undefined ? "never" : legacyDataLoss(database.allowDataLoss)),
  }));

/** The deprecated boolean's meaning in the policy's terms. */
export function legacyDataLoss(allowDataLoss: boolean): DataLossPolicy {
  return allowDataLoss ? "within-rpo" : "never";
}

export const nodegroupSchema = z.strictObject({
  name: z.string().regex(identifierPattern, { message: "must be a nodegroup name" }),
  activeSize: z.number().int().min(0),
  standbySize: z.number().int().min(0),
  maxSize: z.number().int().min(1),
});

/** A Deployment of the application whose replicas kirikae raises in the region it activates. */
export const workloadSchema = z.strictObject({
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
    message: "must be a Kubernetes namespace name (lowercase letters, digits, hyphens)",
  }),
  name: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, {
    message: "must be a Kubernetes Deployment name (lowercase letters, digits, hyphens, dots)",
  }),
  activeReplicas: z.number().int().min(0),
  standbyReplicas: z.number().int().min(0),
});

export const eksClusterSchema = z.strictObject({
  region: regionName,
  name: z.string().regex(/^[0-9A-Za-z][A-Za-z0-9-_]{0,99}$/, { message: "must be an EKS cluster name" }),
  nodegroups: z.array(nodegroupSchema).min(1, { message: "needs at least one nodegroup" }),
  /** Deployments scaled with the nodegroups; none by default. */
  workloads: z.array(workloadSchema).default([]),
});

export const computeSchema = z.strictObject({
  clusters: z.array(eksClusterSchema).min(1),
  /**
   * The share of the active capacity (Ready nodes and Ready pods, per nodegroup and Deployment) that must
   * be there before traffic moves; verification still waits for all of it. 1: traffic waits for all.
   */
  trafficAtCapacity: z
    .number()
    .gt(0, { message: "must be above 0: traffic cannot move to no capacity" })
    .max(1, { message: "must be at most 1 (all of the active capacity)" })
    .default(1),
});

/** Route 53 publishes health-check metrics only in us-east-1, so alarms on them can only live there. */
const HEALTH_CHECK_METRICS_REGION = "us-east-1";

/**
 * What kirikae creates when the plan asks it to own an alarm: a Route 53 health check's status, or any
 * CloudWatch metric against a threshold. Alarms the plan only names are left to their owners.
 */
export const alarmCreationSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("health-check"),
    healthCheckId: z.guid({ message: "must be a Route 53 health check ID (8-4-4-4-12 hex digits)" }),
    /** Consecutive failed minutes before the alarm fires; the plan's holdSeconds then applies on top. */
    evaluationPeriods: z.number().int().min(1).max(10).default(2),
  }),
  z.strictObject({
    kind: z.literal("metric"),
    namespace: z.string().min(1).max(255),
    metricName: z.string().min(1).max(255),
    dimensions: z.record(z.string().min(1).max(255), z.string().min(1).max(1024)).default({}),
    statistic: z.enum(["Average", "Sum", "Minimum", "Maximum", "SampleCount"]),
    comparison: z.enum([
      "GreaterThanOrEqualToThreshold",
      "GreaterThanThreshold",
      "LessThanThreshold",
      "LessThanOrEqualToThreshold",
    ]),
    threshold: z.number(),
    periodSeconds: z
      .number()
      .int()
      .refine((seconds) => [10, 20, 30].includes(seconds) || (seconds >= 60 && seconds % 60 === 0), {
        message: "must be 10, 20, 30 or a multiple of 60 seconds",
      }),
    evaluationPeriods: z.number().int().min(1).max(100).default(1),
  }),
]);

export const alarmSchema = z
  .strictObject({
    name: z.string().min(1).max(255),
    /** Alarms on Route 53 health checks live in us-east-1, whatever the plan's regions are. */
    region: regionName,
    /** Present when kirikae should create (and own) this alarm; absent for alarms managed elsewhere. */
    create: alarmCreationSchema.optional(),
  })
  .refine((alarm) => alarm.create?.kind !== "health-check" || alarm.region === HEALTH_CHECK_METRICS_REGION, {
    path: ["region"],
    message: `an alarm on a Route 53 health check must live in ${HEALTH_CHECK_METRICS_REGION}, where its metric is published`,
  });

export const triggerSchema = z.strictObject({
  alarms: z
    .array(alarmSchema)
    .min(1, { message: "needs at least one alarm that says the active region is down" }),
  mode: z.enum(["automatic", "approval"]).default("automatic"),
  holdSeconds: z.number().int().min(0).max(600).default(60),
  /**
   * Start scaling the standby region's capacity up at the first alarm, while the hold runs, instead of
   * after it: the hold no longer adds to the recovery time wherever capacity is slower than it. A flap
   * costs a scale-up and its undo (both audited); off by default because that cost is the plan's choice.
   */
  prepareDuringHold: z.boolean().default(false),
  cooldownMinutes: z.number().int().min(0).max(1440).default(30),
});

export const objectivesSchema = z.strictObject({
  rtoMinutes: z.number().positive(),
  rpoMinutes: z.number().min(0),
});

export const timeoutsSchema = z.strictObject({
  stepSeconds: z.number().int().min(10).max(3600).default(600),
  rollbackAfterMinutes: z.number().int().min(1).max(720).default(30),
});

export const customStepSchema = z.strictObject({
  name: z.string().regex(identifierPattern, { message: "must be a step name (letters, digits, hyphens)" }),
  functionArn: z.string().regex(lambdaArnPattern, { message: "must be a Lambda function ARN" }),
  runAfter: z.enum(["promotion", "traffic-switch"]),
  timeoutSeconds: z.number().int().min(1).max(900).default(60),
  /** Fields the function's result must contain with these values for the step to count as done. */
  expectedResult: z.record(z.string(), z.unknown()).optional(),
});
