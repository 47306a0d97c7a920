import type { z } from "zod";
import type { computeSchema, customStepSchema, databaseSchema, dnsSchema } from "../plan/schema-parts.js";
import type { Block, BlockOf } from "./block-schemas.js";

export type DatabasePlan = z.output<typeof databaseSchema>;
export type DnsPlan = z.output<typeof dnsSchema>;
export type ComputePlan = z.output<typeof computeSchema>;
export type CustomStep = z.output<typeof customStepSchema>;

/** The ids the first version's fixed pipeline becomes, so its states keep their names. */
export const LEGACY_IDS = { database: "database", compute: "nodegroups", dns: "traffic" } as const;

/** The blocks every first-version plan starts with: its database, its nodegroups, its traffic. */
export const LEGACY_FIXED_BLOCKS = 3;

/**
 * The first version's fixed shape as blocks: the promotion and the scale-up together, then traffic,
 * each custom step after the promotion or after the traffic switch, as its `runAfter` said.
 */
export function legacyBlocks(plan: {
  database: DatabasePlan;
  dns: DnsPlan;
  compute: ComputePlan;
  customSteps: readonly CustomStep[];
}): Block[] {
  return [
    { kind: "aurora-global", id: LEGACY_IDS.database, after: [], database: plan.database },
    { kind: "eks", id: LEGACY_IDS.compute, after: [], compute: plan.compute },
    {
      kind: "route53",
      id: LEGACY_IDS.dns,
      after: [LEGACY_IDS.database, LEGACY_IDS.compute],
      dns: plan.dns,
    },
    ...plan.customSteps.map(
      (step): Block => ({
        kind: "lambda",
        id: step.name.toLowerCase(),
        after: [step.runAfter === "promotion" ? LEGACY_IDS.database : LEGACY_IDS.dns],
        functionArn: step.functionArn,
        input: {},
        ...(step.expectedResult ? { expectedResult: step.expectedResult } : {}),
        timeoutSeconds: step.timeoutSeconds,
        runOn: ["failover"],
      }),
    ),
  ];
}

/** With no EKS block, the plan has no Kubernetes capacity to wait for. */
const NO_COMPUTE: ComputePlan = { clusters: [], trafficAtCapacity: 1 };

/**
 * The first block of each kind the rest of kirikae judges safety on: the writer that must be alone
 * (`database`), what users resolve (`dns`), and the capacity traffic waits for (`compute`, every EKS
 * block's clusters together). Plan rules require one Aurora and one Route 53 block.
 */
export function primaryViews(blocks: readonly Block[]): {
  database: DatabasePlan;
  dns: DnsPlan;
  compute: ComputePlan;
} {
  const eks = blocksOfKind(blocks, "eks");
  const [database] = blocksOfKind(blocks, "aurora-global");
  const [dns] = blocksOfKind(blocks, "route53");
  return {
    // A plan without them fails its rules (plan-rules.ts) before anything reads these views.
    database: database?.database ?? (undefined as unknown as DatabasePlan),
    dns: dns?.dns ?? (undefined as unknown as DnsPlan),
    compute:
      eks.length === 0
        ? NO_COMPUTE
        : {
            clusters: eks.flatMap((block) => block.compute.clusters),
            trafficAtCapacity: Math.max(...eks.map((block) => block.compute.trafficAtCapacity)),
          },
  };
}

export function blocksOfKind<K extends Block["kind"]>(blocks: readonly Block[], kind: K): BlockOf<K>[] {
  return blocks.filter((block): block is BlockOf<K> => block.kind === kind);
}
