import type { BlockPhase } from "../recovery/block-step.js";

/**
 * Where a workflow keeps a block's result: `$.blocks.<key>`. Ids may hold hyphens, JSONPath keys are kept
 * plain; a failback's release of the region it leaves keeps its own.
 */
export function blockResultKey(id: string, phase: BlockPhase = "activate"): string {
  const key = id.replace(/-/g, "_");
  return phase === "activate" ? key : `${key}__release`;
}
