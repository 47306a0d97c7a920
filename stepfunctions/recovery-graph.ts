import { blockResultKey } from "../core/blocks/block-result-key.js";
import { type Block, type Direction, runsOn } from "../core/blocks/block-schemas.js";
import type { Plan } from "../core/plan/schema.js";
import type { BlockPhase } from "../core/recovery/block-step.js";
import { stepKindOf } from "../steps/registry.js";
import type { BlockStates } from "../steps/step-kind.js";
import { type AslState, catchAll } from "./asl.js";
import { arnOf, type TaskFunctionArns } from "./task-functions.js";

/**
 * A plan's blocks as states, for one workflow and one phase. Step Functions has no dependency graph, so
 * the blocks are laid out in layers: each block runs in the first layer after every block it waits for;
 * a layer of one block is its states in sequence, a layer of several a Parallel state whose branches are
 * the blocks. Every block keeps its result at `$.blocks.<id>`, which a Parallel merges back for the next
 * layers. Any failure goes to `escalate`.
 *
 * A failback also makes each database wait for every capacity block: its switchover moves users with it,
 * and they must find the returning region's capacity up.
 */
/** The blocks of one workflow and phase, in the layers the generated states run them in. */
export function recoveryLayers(plan: Plan, direction: Direction, phase: BlockPhase): Block[][] {
  const blocks = plan.recovery.blocks.filter(
    (block) => runsOn(block, direction) && (phase === "activate" || stepKindOf(block).releasesOnFailback),
  );
  return layersOf(blocks, dependenciesOf(blocks, direction, phase));
}

export function recoveryStates(options: {
  plan: Plan;
  direction: Direction;
  phase: BlockPhase;
  functions: TaskFunctionArns;
  /** Where the run goes once every block is done. */
  next: string;
  escalate: string;
}): BlockStates {
  const { plan, direction, phase, functions, next, escalate } = options;
  const layers = recoveryLayers(plan, direction, phase);
  const blocks = layers.flat();
  if (blocks.length === 0) return { entry: next, states: {} };
  const perKind = new Map<string, number>();
  for (const block of blocks) perKind.set(block.kind, (perKind.get(block.kind) ?? 0) + 1);

  const built = (block: Block, done: AslState, catchTo: string | undefined): BlockStates => {
    const kind = stepKindOf(block);
    const resultPath = `$.blocks.${blockResultKey(block.id, phase)}`;
    // biome-ignore lint/suspicious/noExplicitAny: the registry pairs each kind with its own block type.
    return (kind.states as (context: any) => BlockStates)({
      block,
      plan,
      direction,
      phase,
      arn: (key: string) => arnOf(functions, key),
      resultPath,
      parameters: {
        "request.$": "$.request",
        "execution.$": "$.execution",
        "precheck.$": "$.precheck",
        "blocks.$": "$.blocks",
        block: block.id,
        phase,
      },
      name: (base: string) => ((perKind.get(block.kind) ?? 0) > 1 ? `${base} (${block.id})` : base),
      done,
      ...(catchTo === undefined ? {} : { catchTo }),
    });
  };

  let states: Record<string, AslState> = {};
  let entry = next;
  const finishedBefore = (index: number) => layers.slice(0, index).flat();
  for (let index = layers.length - 1; index >= 0; index--) {
    const layer = layers[index] ?? [];
    const [only] = layer;
    // A block whose states can end in a Fail state (the data-loss question's answers) runs in a Parallel
    // branch even alone, so that its Fail reaches the Parallel's Catch and the escalation.
    const single =
      layer.length === 1 && only ? built(only, { Type: "Pass", Next: entry }, escalate) : undefined;
    if (single && !endsInFail(single)) {
      states = { ...single.states, ...states };
      entry = single.entry;
      continue;
    }
    const name = layerName(phase, index, layer);
    const earlier = finishedBefore(index);
    states = {
      [name]: {
        Type: "Parallel",
        Branches: layer.map((block) => {
          const branch = built(block, { Type: "Succeed" }, undefined);
          return { StartAt: branch.entry, States: branch.states };
        }),
        // Each branch ends with the whole state and its own block's result; keep every result so far.
        ResultSelector: Object.fromEntries([
          ...earlier.map((block) => [
            `${blockResultKey(block.id, phase)}.$`,
            `$[0].blocks.${blockResultKey(block.id, phase)}`,
          ]),
          ...layer.map((block, position) => [
            `${blockResultKey(block.id, phase)}.$`,
            `$[${position}].blocks.${blockResultKey(block.id, phase)}`,
          ]),
          ...(phase === "release" ? priorResults(plan, direction) : []),
        ]),
        ResultPath: "$.blocks",
        Catch: [catchAll(escalate)],
        Next: entry,
      },
      ...states,
    };
    entry = name;
  }
  return { entry, states };
}

function endsInFail(states: BlockStates): boolean {
  return Object.values(states.states).some((state) => state.Type === "Fail");
}

/** A failback's release layers run after recovery: the activation results stay beside them. */
function priorResults(plan: Plan, direction: Direction): [string, string][] {
  return plan.recovery.blocks
    .filter((block) => runsOn(block, direction))
    .map((block) => [`${blockResultKey(block.id)}.$`, `$[0].blocks.${blockResultKey(block.id)}`]);
}

function layerName(phase: BlockPhase, index: number, layer: readonly Block[]): string {
  if (phase === "release")
    return index === 0 ? "Release region left" : `Release region left, part ${index + 1}`;
  return index === 0 ? "Recover" : `Recover ${layer.map((block) => block.id).join(", ")}`;
}

function dependenciesOf(
  blocks: readonly Block[],
  direction: Direction,
  phase: BlockPhase,
): Map<string, string[]> {
  const included = new Set(blocks.map((block) => block.id));
  const capacity = blocks.filter((block) => stepKindOf(block).role === "capacity").map((block) => block.id);
  return new Map(
    blocks.map((block) => {
      if (phase === "release") return [block.id, []];
      const own = block.after.filter((id) => included.has(id));
      const waitsForCapacity = direction === "failback" && stepKindOf(block).role === "database";
      return [block.id, [...new Set([...own, ...(waitsForCapacity ? capacity : [])])]];
    }),
  );
}

/** Longest-path layers: a block's layer is one more than the deepest block it waits for. */
function layersOf(blocks: readonly Block[], dependencies: ReadonlyMap<string, string[]>): Block[][] {
  const depth = new Map<string, number>();
  const depthOf = (id: string, seen: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    // Plan rules refuse cycles; this only stops a broken plan from looping here.
    if (seen.has(id)) throw new Error(`the blocks' order has a cycle through "${id}"`);
    seen.add(id);
    const before = dependencies.get(id) ?? [];
    const own =
      before.length === 0 ? 0 : Math.max(...before.map((dependency) => depthOf(dependency, seen))) + 1;
    depth.set(id, own);
    return own;
  };
  const layers: Block[][] = [];
  for (const block of blocks) {
    const level = depthOf(block.id, new Set());
    const layer = layers[level] ?? [];
    layer.push(block);
    layers[level] = layer;
  }
  return layers.filter((layer) => layer.length > 0);
}
