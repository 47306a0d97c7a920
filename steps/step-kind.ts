import type { BlockKind, BlockOf, Direction } from "../core/blocks/block-schemas.js";
import type { Plan } from "../core/plan/schema.js";
import type { BlockPhase } from "../core/recovery/block-step.js";
import type { StepCall } from "../core/workflow/step-calls.js";
import type { DepsSource, TaskDeps } from "../functions/runtime/task-deps.js";
import type { Capability } from "../infra/access.js";
import type { GrantScope, PolicyStatement } from "../infra/grants.js";
import type { EstateModels } from "../sandbox/build-estate.js";
import type { SandboxEstate } from "../sandbox/estate.js";
import type { Latencies } from "../sandbox/latencies.js";
import type { LocalHandler } from "../sandbox/local-workflow-runner.js";
import type { AslState } from "../stepfunctions/asl.js";

/** Where a block's Task runs and what it reaches, for `plan explain` and the call-region test. */
export interface BlockCallContext<K extends BlockKind> {
  block: BlockOf<K>;
  plan: Plan;
  direction: Direction;
  phase: BlockPhase;
  /** The region being left and the one being activated. */
  source: string;
  target: string;
  /** The Task pauses for a person's answer (the data-loss question, an approval block). */
  waitsForAnswer: boolean;
}

export interface BlockCalls {
  calls: StepCall[];
  dataPlane?: string[];
}

/** What a kind's sandbox hook may use: the estate, its models, and the plan's account. */
export interface BlockSandbox {
  estate: SandboxEstate;
  models: EstateModels;
  account: string;
}

/** One Lambda function a kind of step runs as. */
export interface TaskFunction {
  /** The function's key: its name in infra, its ARN's last part in the sandbox. */
  key: string;
  /** Entry point relative to the repository root, as `file.export`. */
  handler: string;
  create(deps: DepsSource<TaskDeps>): LocalHandler;
  /** The shared capabilities its code uses (infra/access.ts turns them into statements). */
  access: readonly Capability[];
  /** Statements only this kind needs, on the plans' own resources (least privilege per block). */
  statements?(scope: GrantScope): PolicyStatement[];
  description: string;
}

/** What the generator gives a kind to lay out its states for one block in one workflow. */
export interface BlockStateContext<K extends BlockKind> {
  block: BlockOf<K>;
  plan: Plan;
  direction: Direction;
  phase: BlockPhase;
  /** The ARN of a task function by key (the definitions are built from ARNs infra or the sandbox made). */
  arn(functionKey: string): string;
  /** Where the step's result lives: `$.blocks.<key>`. */
  resultPath: string;
  /** The Task's input: the run's request and facts, every block's result so far, and which block this is. */
  parameters: Record<string, unknown>;
  /** A state name unique in the definition: the base alone when the plan has one block of this kind. */
  name(base: string): string;
  /** The state to end on: a Pass to the next layer, or a Succeed inside a Parallel branch. */
  done: AslState;
  /** Where a failure goes (the run's escalation); undefined inside a Parallel branch, whose Catch has it. */
  catchTo?: string;
}

export interface BlockStates {
  entry: string;
  states: Record<string, AslState>;
}

/**
 * Everything about one kind of block, in one place: what runs it (functions, handlers, grants), how its
 * states look in a workflow, when it runs, how the sandbox models its resources, and how long AWS takes.
 * Adding a kind is one of these plus its schema, its domain step, its adapter and its model
 * (docs/adding-a-step.md).
 */
export interface StepKind<K extends BlockKind> {
  kind: K;
  functions: readonly TaskFunction[];
  /** Failback runs capacity kinds early in the returning region and releases the region left last. */
  role: "database" | "capacity" | "traffic" | "check";
  /** Whether a failback also runs a "release" phase in the region it leaves, after recovery is verified. */
  releasesOnFailback: boolean;
  states(context: BlockStateContext<K>): BlockStates;
  /** Every AWS call the block's Tasks make, and where (core/workflow/step-calls.ts has the shared ones). */
  /** Undefined: the Task is in the definition but can never run for this block (a question never asked). */
  calls(context: BlockCallContext<K>): BlockCalls | undefined;
  /** One line for `plan explain`. */
  describe(block: BlockOf<K>, direction: Direction): string;
  /**
   * The sandbox's side: the block's resources as they stand before any incident (the active region at
   * active size, the standby at standby), in the service models. Kinds whose resources the estate builds
   * from the plan's first-version views (Aurora, Route 53, EKS) have none.
   */
  seed?(block: BlockOf<K>, plan: Plan, sandbox: BlockSandbox): void;
  /** The AWS wait on the critical path when the block activates, from the latency table (modelled). */
  modelledSeconds(block: BlockOf<K>, latencies: Latencies): number;
}

export type AnyStepKind = { [K in BlockKind]: StepKind<K> }[BlockKind];
