import { z } from "zod";
import { computeSchema, databaseSchema, dnsSchema, regionName } from "../plan/schema-parts.js";

/**
 * A plan's recovery as blocks: each block is one kind of step over one set of resources, run after the
 * blocks it names in `after` (blocks with nothing between them run in parallel). The workflow of each
 * plan is generated from its blocks (stepfunctions/recovery-graph.ts); steps/ holds, per kind, what runs it.
 */

/** Letters, digits and hyphens: a block's id names its states and its result in the workflow. */
const blockIdPattern = /^[a-z][a-z0-9-]{0,39}$/;
export const blockId = z.string().regex(blockIdPattern, {
  message: "must be lowercase letters, digits and hyphens, starting with a letter, at most 40 characters",
});

const lambdaArnPattern =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9-_]{1,64}(:[A-Za-z0-9-_$]+)?$/;
const lambdaArn = z.string().regex(lambdaArnPattern, { message: "must be a Lambda function ARN" });

export const DIRECTIONS = ["failover", "failback"] as const;
export type Direction = (typeof DIRECTIONS)[number];

const common = {
  id: blockId,
  /** Blocks that must be done before this one starts; none: it starts with the recovery. */
  after: z.array(blockId).default([]),
  description: z.string().max(300).optional(),
};

/** Which workflows run a block whose kind may be left out of one (a restore need not run on failback). */
const runOn = (fallback: Direction[]) =>
  z
    .array(z.enum(DIRECTIONS))
    .min(1, { message: "must name at least one of failover, failback" })
    .default(fallback);

export const auroraGlobalBlockSchema = z.strictObject({
  kind: z.literal("aurora-global"),
  ...common,
  database: databaseSchema,
});

export const eksBlockSchema = z.strictObject({
  kind: z.literal("eks"),
  ...common,
  compute: computeSchema,
});

export const route53BlockSchema = z.strictObject({
  kind: z.literal("route53"),
  ...common,
  dns: dnsSchema,
});

export const autoScalingGroupBlockSchema = z.strictObject({
  kind: z.literal("auto-scaling-group"),
  ...common,
  /** The group's name in each of the plan's regions. */
  groups: z.record(regionName, z.string().min(1).max(255)),
  /** Instances the region taking traffic runs (its MinSize and DesiredCapacity). */
  activeCapacity: z.number().int().min(1),
  /** Instances the standby runs, restored on the region a failback leaves. */
  standbyCapacity: z.number().int().min(0),
});

export const ecsServiceBlockSchema = z.strictObject({
  kind: z.literal("ecs-service"),
  ...common,
  /** The ECS cluster holding the service in each of the plan's regions. */
  clusters: z.record(regionName, z.string().min(1).max(255)),
  service: z.string().min(1).max(255),
  activeCount: z.number().int().min(1),
  standbyCount: z.number().int().min(0),
});

export const lambdaBlockSchema = z.strictObject({
  kind: z.literal("lambda"),
  ...common,
  /**
   * The function, or one per region: the region being activated's is invoked, so a restore runs next to
   * what it restores and never needs the failed region.
   */
  functionArn: z.union([lambdaArn, z.record(regionName, lambdaArn)]),
  /** Handed to the function as `input` (core/blocks/custom-step-contract.ts). */
  input: z.record(z.string(), z.unknown()).default({}),
  /** Fields the function's final answer must hold, with these values, for the step to count as done. */
  expectedResult: z.record(z.string(), z.unknown()).optional(),
  /** How long the function may keep answering "pending" before the step fails and escalates. */
  timeoutSeconds: z.number().int().min(1).max(3600).default(600),
  runOn: runOn(["failover"]),
});

export const httpProbeBlockSchema = z.strictObject({
  kind: z.literal("http-probe"),
  ...common,
  url: z.url({ protocol: /^https?$/, message: "must be an http or https URL" }),
  expectedStatus: z.number().int().min(100).max(599).default(200),
  /** Text the body must contain. */
  expectedBody: z.string().min(1).optional(),
  /** How long the probe keeps trying before the step fails and escalates. */
  timeoutSeconds: z.number().int().min(10).max(3600).default(300),
  runOn: runOn(["failover", "failback"]),
});

export const approvalBlockSchema = z.strictObject({
  kind: z.literal("approval"),
  ...common,
  /** What the person is asked, in the notification and `kirikae approve`. */
  question: z.string().min(1).max(500),
  timeoutMinutes: z.number().int().min(1).max(720).default(30),
  runOn: runOn(["failover"]),
});

export const blockSchema = z.discriminatedUnion("kind", [
  auroraGlobalBlockSchema,
  eksBlockSchema,
  route53BlockSchema,
  autoScalingGroupBlockSchema,
  ecsServiceBlockSchema,
  lambdaBlockSchema,
  httpProbeBlockSchema,
  approvalBlockSchema,
]);

export type Block = z.output<typeof blockSchema>;
export type BlockInput = z.input<typeof blockSchema>;
export type BlockKind = Block["kind"];
export type BlockOf<K extends BlockKind> = Extract<Block, { kind: K }>;

/** Kinds that run in both directions unless the block says otherwise have no `runOn` field. */
export function runsOn(block: Block, direction: Direction): boolean {
  return "runOn" in block ? block.runOn.includes(direction) : true;
}

export const recoverySchema = z.strictObject({
  blocks: z.array(blockSchema).min(1, { message: "needs at least one block" }),
  /** Set by kirikae on a parsed plan (how it was written), so a parsed plan parses again; leave it out. */
  form: z.enum(["legacy", "blocks"]).optional(),
});
