import { blockResultKey } from "../../core/blocks/block-result-key.js";
import type { Block, BlockKind, BlockOf } from "../../core/blocks/block-schemas.js";
import type { BlockStepContext } from "../../core/recovery/block-step.js";
import { InvalidWorkflowInput } from "../../core/workflow/workflow-errors.js";
import type { DepsSource, StepDeps } from "./task-deps.js";
import type { TaskEvent } from "./task-event.js";
import { taskHandler } from "./task-handler.js";

/**
 * The Lambda of one kind of block: the same validation as every step, then the plan's block named in the
 * input (a definition generated from another version of the plan fails clearly), its side, and its own
 * earlier result, handed to the kind's domain function.
 */
export function blockTaskHandler<K extends BlockKind, R, D extends StepDeps>(
  name: string,
  kind: K,
  deps: DepsSource<D>,
  step: (
    context: BlockStepContext<BlockOf<K>>,
    previous: unknown,
    resolved: D,
    event: TaskEvent,
  ) => Promise<R>,
) {
  return taskHandler(name, deps, (context, event, resolved) => {
    const block = context.plan.recovery.blocks.find((candidate) => candidate.id === event.block);
    if (block === undefined || block.kind !== kind) {
      throw new InvalidWorkflowInput(
        `plan "${context.plan.name}" has no ${kind} block "${event.block ?? ""}" for step ${name}`,
        {
          action:
            "deploy the plan's state machines again: they were generated from another version of the plan",
        },
      );
    }
    const phase = event.phase ?? "activate";
    const previous = event.blocks?.[blockResultKey(block.id, phase)];
    return step({ ...context, block: block as BlockOf<K>, phase }, previous, resolved, event);
  });
}

/** Every block's earlier result, for steps that read another block's (the traffic switch reads the promotions'). */
export function blockResults(
  event: TaskEvent,
  blocks: readonly Block[],
  kind: BlockKind,
): Record<string, unknown>[] {
  return blocks
    .filter((block) => block.kind === kind)
    .flatMap((block) => {
      const result = event.blocks?.[blockResultKey(block.id)];
      return result === undefined ? [] : [result];
    });
}
