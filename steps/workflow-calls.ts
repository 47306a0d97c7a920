import { blockResultKey } from "../core/blocks/block-result-key.js";
import type { Block, Direction } from "../core/blocks/block-schemas.js";
import type { Plan } from "../core/plan/schema.js";
import type { BlockPhase } from "../core/recovery/block-step.js";
import {
  type StepCalls,
  type StepDependency,
  stepCalls,
  stepDependencies,
  workflowRegions,
} from "../core/workflow/step-calls.js";
import type { AslState } from "../stepfunctions/asl.js";
import { failbackDefinition } from "../stepfunctions/failback-definition.js";
import { failoverDefinition } from "../stepfunctions/failover-definition.js";
import { localTaskFunctionArns } from "../stepfunctions/task-functions.js";
import { stepKindOf } from "./registry.js";
import type { BlockCalls } from "./step-kind.js";

/**
 * Every AWS call of a plan's workflow, step by step: the workflow's own steps (core/workflow/step-calls.ts)
 * around its blocks' Tasks, each named as the generated definition names it and described by its kind.
 * Read from the definition itself, so `plan explain` and the call-region test cannot drift from it.
 */
export function workflowStepCalls(plan: Plan, direction: Direction): StepCalls[] {
  const { source, target } = workflowRegions(plan, direction);
  const definition =
    direction === "failover"
      ? failoverDefinition(localTaskFunctionArns(), plan)
      : failbackDefinition(localTaskFunctionArns(), plan);
  const byId = new Map(plan.recovery.blocks.map((block) => [block.id, block]));
  const activate: Omit<StepCalls, "runsIn">[] = [];
  const release: Omit<StepCalls, "runsIn">[] = [];
  for (const [name, state] of blockTasks(definition.States)) {
    const found = blockOf(state, byId);
    if (!found) continue;
    const { block, phase, waitsForAnswer } = found;
    // biome-ignore lint/suspicious/noExplicitAny: the registry pairs each kind with its own block type.
    const described = (stepKindOf(block).calls as (context: any) => BlockCalls | undefined)({
      block,
      plan,
      direction,
      phase,
      source,
      target,
      waitsForAnswer,
    });
    if (described === undefined) continue;
    (phase === "release" ? release : activate).push({
      step: name,
      calls: described.calls,
      dataPlane: described.dataPlane ?? [],
    });
  }
  return stepCalls(plan, direction, activate, release);
}

/** The critical calls outside the recovery region, over the plan's whole workflow (blocks included). */
export function workflowDependencies(plan: Plan, direction: Direction): StepDependency[] {
  return stepDependencies(plan, direction, workflowStepCalls(plan, direction));
}

/** Task states in definition order, Parallel branches included. */
function blockTasks(states: Record<string, AslState>): [string, AslState][] {
  return Object.entries(states).flatMap(([name, state]): [string, AslState][] => {
    if (state.Type === "Task") return [[name, state]];
    if (state.Type !== "Parallel") return [];
    return (state.Branches as Array<{ States: Record<string, AslState> }>).flatMap((branch) =>
      blockTasks(branch.States),
    );
  });
}

/** The block a Task works for: named in its Parameters, or in its Payload when it waits for an answer. */
function blockOf(
  state: AslState,
  byId: ReadonlyMap<string, Block>,
): { block: Block; phase: BlockPhase; waitsForAnswer: boolean } | undefined {
  const parameters = (state.Parameters ?? {}) as Record<string, unknown>;
  const payload = (parameters.Payload ?? {}) as Record<string, unknown>;
  if (typeof parameters.block === "string") {
    const block = byId.get(parameters.block);
    const phase = parameters.phase === "release" ? "release" : "activate";
    return block && { block, phase, waitsForAnswer: false };
  }
  if (typeof payload.block === "string") {
    const block = byId.get(payload.block);
    return block && { block, phase: "activate", waitsForAnswer: true };
  }
  if (payload.question === "data-loss" && typeof payload["promotion.$"] === "string") {
    const path = String(payload["promotion.$"]);
    const block = [...byId.values()].find((candidate) => path === `$.blocks.${blockResultKey(candidate.id)}`);
    return block && { block, phase: "activate", waitsForAnswer: true };
  }
  return undefined;
}
