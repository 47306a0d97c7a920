import type { Block, Direction } from "../core/blocks/block-schemas.js";
import type { Plan } from "../core/plan/schema.js";
import type { BlockPhase } from "../core/recovery/block-step.js";
import { recoveryLayers } from "../stepfunctions/recovery-graph.js";
import { stepKindOf } from "./registry.js";

export interface OutlinedBlock {
  id: string;
  kind: Block["kind"];
  after: string[];
  does: string;
}

/** A plan's recovery as `plan explain` prints it: the blocks, and the layers each workflow runs them in. */
export interface BlockOutline {
  /** "legacy": the plan is written in the first version's fixed shape, shown here as the blocks it became. */
  form: "legacy" | "blocks";
  blocks: OutlinedBlock[];
  failover: string[][];
  failback: string[][];
  /** Failback's last layers: capacity released in the region it leaves. */
  failbackRelease: string[][];
}

export function outlineBlocks(plan: Plan): BlockOutline {
  const layers = (direction: Direction, phase: BlockPhase) =>
    recoveryLayers(plan, direction, phase).map((layer) => layer.map((block) => block.id));
  return {
    form: plan.recovery.form,
    blocks: plan.recovery.blocks.map((block) => ({
      id: block.id,
      kind: block.kind,
      after: block.after,
      // biome-ignore lint/suspicious/noExplicitAny: the registry pairs each kind with its own block type.
      does: (stepKindOf(block).describe as (block: any, direction: Direction) => string)(block, "failover"),
    })),
    failover: layers("failover", "activate"),
    failback: layers("failback", "activate"),
    failbackRelease: layers("failback", "release"),
  };
}

/** The outline as text lines, indented under a heading by the caller. */
export function outlineText(outline: BlockOutline): string[] {
  const flow = (layers: string[][]) => layers.map((layer) => layer.join(" + ")).join("  ->  ") || "(none)";
  return [
    ...(outline.form === "legacy"
      ? [
          "written in the first version's shape (database, compute, dns, customSteps); it runs as these blocks:",
        ]
      : []),
    ...outline.blocks.map(
      (block) =>
        `${block.id} [${block.kind}]${block.after.length > 0 ? ` after ${block.after.join(", ")}` : ""}: ${block.does}`,
    ),
    `failover: ${flow(outline.failover)}  ->  verify`,
    `failback: ${flow(outline.failback)}  ->  verify${outline.failbackRelease.length > 0 ? `  ->  release ${flow(outline.failbackRelease)}` : ""}`,
  ];
}
