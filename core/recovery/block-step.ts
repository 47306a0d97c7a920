import type { Block } from "../blocks/block-schemas.js";
import type { StepContext } from "../workflow/step-context.js";

/**
 * Which side of a run a block's step works on: "activate" brings the region being activated up (every
 * kind, both directions); "release" takes the region a failback leaves back to standby, after recovery
 * is verified (capacity kinds only).
 */
export type BlockPhase = "activate" | "release";

/** A block's step: the run it is part of, the block, and which side it works on. */
export interface BlockStepContext<B extends Block = Block> extends StepContext {
  block: B;
  phase: BlockPhase;
}

/** The region a phase works in: the one being activated, or the one being left. */
export function phaseRegion(context: BlockStepContext): string {
  return context.phase === "activate" ? context.request.targetRegion : context.request.sourceRegion;
}

/** Every polling step's result: the state machine hands it back in on the next poll. */
export interface BlockProgress {
  status: "pending" | "done";
  startedAt?: string;
  completedAt?: string;
  pollAfterSeconds?: number;
}
