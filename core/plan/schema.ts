import { z } from "zod";
import { type Block, recoverySchema } from "../blocks/block-schemas.js";
import { legacyBlocks, primaryViews } from "../blocks/plan-blocks.js";
import {
  computeSchema,
  customStepSchema,
  databaseSchema,
  dnsSchema,
  objectivesSchema,
  planNamePattern,
  regionName,
  timeoutsSchema,
  triggerSchema,
} from "./schema-parts.js";

export * from "./schema-parts.js";

/**
 * The DR plan: one declarative document per application. Its recovery is written either as blocks
 * (`recovery.blocks`: any number of Aurora global databases, EKS clusters, Route 53 zones, Auto Scaling
 * groups, ECS services, Lambda steps, HTTP probes and approvals, with their order) or in the first
 * version's fixed shape (`database`, `compute`, `dns`, `customSteps`), which loads as the blocks it
 * stands for. Either way the parsed plan carries both: `recovery.blocks`, which the workflow is generated
 * from, and `database` / `dns` / `compute`, the first block of each kind, which the safety invariants,
 * readiness and the gates are judged on.
 */
const planDocumentSchema = z.strictObject({
  /** The JSON Schema an editor checks a JSON plan against (schema/plan.schema.json); kirikae ignores it. */
  $schema: z.string().optional().describe("the JSON Schema editors validate this file against"),
  name: z.string().regex(planNamePattern, {
    message: "must be lowercase letters, digits and hyphens, starting with a letter, at most 40 characters",
  }),
  description: z.string().max(500).optional(),
  regions: z
    .array(regionName)
    .length(2, { message: "must list exactly two regions: the active one and its standby" }),
  activeRegion: regionName,
  database: databaseSchema.optional(),
  dns: dnsSchema.optional(),
  compute: computeSchema.optional(),
  recovery: recoverySchema.optional(),
  triggers: triggerSchema,
  objectives: objectivesSchema,
  timeouts: timeoutsSchema.default({ stepSeconds: 600, rollbackAfterMinutes: 30 }),
  customSteps: z.array(customStepSchema).optional(),
});

const LEGACY_FIELDS = ["database", "dns", "compute", "customSteps"] as const;

/**
 * A plan parsed before (a test or a module that spreads it into a new document) carries its blocks and
 * their first-of-kind views side by side: parse it as its blocks, with any change made to a view applied
 * to the block it shows.
 */
function asWritten(document: unknown): unknown {
  if (!isRecord(document) || !isRecord(document.recovery) || document.recovery.form === undefined)
    return document;
  const { database, dns, compute, customSteps: _asBlocks, recovery, ...rest } = document;
  const blocks = Array.isArray(recovery.blocks) ? recovery.blocks : [];
  const firsts = new Map<unknown, [string, unknown]>([
    ["aurora-global", ["database", database]],
    ["route53", ["dns", dns]],
  ]);
  // The compute view joins every EKS block's clusters: it shows one block only when there is one.
  if (blocks.filter((block) => isRecord(block) && block.kind === "eks").length === 1) {
    firsts.set("eks", ["compute", compute]);
  }
  const seen = new Set<unknown>();
  return {
    ...rest,
    recovery: {
      ...recovery,
      blocks: blocks.map((block) => {
        if (!isRecord(block) || seen.has(block.kind) || !firsts.has(block.kind)) return block;
        seen.add(block.kind);
        const [field, view] = firsts.get(block.kind) ?? ["", undefined];
        return view === undefined ? block : { ...block, [field]: view };
      }),
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const parsedPlanSchema = planDocumentSchema
  .superRefine((document, context) => {
    if (document.recovery !== undefined) {
      for (const field of LEGACY_FIELDS) {
        // A parsed plan's views were folded into its blocks by asWritten.
        if (document[field] === undefined) continue;
        context.addIssue({
          code: "custom",
          path: [field],
          message: `cannot be given with recovery.blocks: write it as a block (${field === "customSteps" ? '"lambda"' : `"${legacyKind[field]}"`})`,
        });
      }
      return;
    }
    for (const field of ["database", "dns", "compute"] as const) {
      if (document[field] !== undefined) continue;
      context.addIssue({
        code: "custom",
        path: [field],
        message: "is required (or write the plan's recovery as recovery.blocks)",
      });
    }
  })
  .transform(({ database, dns, compute, recovery, customSteps, ...rest }) => {
    const blocks: Block[] =
      recovery?.blocks ??
      legacyBlocks({
        // The refinement above guarantees all three when recovery is absent.
        database: database as NonNullable<typeof database>,
        dns: dns as NonNullable<typeof dns>,
        compute: compute as NonNullable<typeof compute>,
        customSteps: customSteps ?? [],
      });
    return {
      ...rest,
      ...primaryViews(blocks),
      recovery: {
        blocks,
        form: recovery?.form ?? (recovery === undefined ? ("legacy" as const) : ("blocks" as const)),
      },
    };
  });

export const planSchema = z.preprocess(asWritten, parsedPlanSchema);

const legacyKind = { database: "aurora-global", dns: "route53", compute: "eks" } as const;

/** What a plan author writes: defaults may be left out. */
export type PlanInput = z.input<typeof planDocumentSchema>;
/** What the control plane works with: defaults filled in, normalised. */
export type Plan = z.output<typeof parsedPlanSchema>;
export type DnsRecord = Plan["dns"]["records"][number];
export type EksClusterPlan = Plan["compute"]["clusters"][number];
export type NodegroupPlan = EksClusterPlan["nodegroups"][number];
export type WorkloadPlan = EksClusterPlan["workloads"][number];
export type TriggerAlarm = Plan["triggers"]["alarms"][number];
export type AlarmCreation = NonNullable<TriggerAlarm["create"]>;
export type TrafficGates = NonNullable<Plan["dns"]["gates"]>;
/** A plan written in the first version's fixed shape, as tests and old plans build it. */
export type LegacyPlanInput = Omit<PlanInput, "database" | "dns" | "compute"> & {
  [Field in "database" | "dns" | "compute"]-?: NonNullable<PlanInput[Field]>;
};
