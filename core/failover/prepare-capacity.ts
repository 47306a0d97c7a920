import { recordDecision } from "../audit/audited-action.js";
import { blocksOfKind } from "../blocks/plan-blocks.js";
import type { EksClusterPlan } from "../plan/schema.js";
import type { NodegroupState } from "../ports/compute.js";
import type { PlanStatePort } from "../ports/plan-state.js";
import { setAudited } from "../recovery/scale-capacity.js";
import { type BlockCapacityPorts, capacityBlockUnits } from "../recovery/undo-capacity.js";
import { executionNameOf } from "../workflow/accept-request.js";
import type { StepContext } from "../workflow/step-context.js";
import { AwsCallError } from "../workflow/workflow-errors.js";
import { type CapacityDeps, raiseToActive, readNodegroups } from "./scale-nodegroups.js";

export interface PreparationDeps extends CapacityDeps {
  blockCapacity: BlockCapacityPorts;
  state: Pick<PlanStatePort, "get">;
}

/** What the early scale-up asked of AWS, and what it left for the workflow's own steps, in words. */
export interface PreparationResult {
  status: "done";
  prepared: string[];
  skipped: string[];
  at: string;
}

/**
 * The early scale-up of a plan with `triggers.prepareDuringHold`, run at the first alarm before the hold:
 * the standby region's capacity blocks are asked for their active sizes now, so nodes launch while the
 * hold and the pre-checks run. Only requests go out; the scale steps later find them made and wait for
 * Ready capacity as usual (they never send a second change). Nothing here promotes or moves traffic.
 *   1. this execution must hold the plan's lock (a run refused or superseded prepares nothing)
 *   2. a standby nodegroup whose max size is below its active size prepares nothing at all: the
 *      pre-checks will stop this run, and a scale-up would only have to be undone
 *   3. EKS nodegroups and Deployments, Auto Scaling groups and ECS services are raised, each audited
 *      with `preparation: true`; a block AWS refuses is named and left to its own step
 * A flap puts it all back ("Undo preparation"); so does an escalation or a failed pre-check.
 */
export async function prepareCapacity(
  context: StepContext,
  deps: PreparationDeps,
): Promise<PreparationResult> {
  const { plan, request } = context;
  const region = request.targetRegion;
  const at = context.clock.now().toISOString();
  const lock = (await deps.state.get(plan.name)).lock;
  if (lock?.holder !== executionNameOf(context.execution.id)) {
    return { status: "done", prepared: [], skipped: ["this execution does not hold the plan's lock"], at };
  }
  const clusters = blocksOfKind(plan.recovery.blocks, "eks").flatMap((block) =>
    block.compute.clusters.filter((cluster) => cluster.region === region),
  );
  const states = await Promise.all(clusters.map((cluster) => readNodegroups(deps, cluster)));
  const unready = clusters.flatMap((cluster, index) => undersized(cluster, states[index] ?? []));
  if (unready.length > 0) {
    const skipped = [`nothing prepared: ${unready.join("; ")}; the pre-checks decide`];
    await recordDecision(context, {
      action: "capacity.preparation-skipped",
      resource: `${region}/${plan.name}`,
      outcome: "ignored",
      details: { skipped },
    });
    return { status: "done", prepared: [], skipped, at };
  }
  const prepared: string[] = [];
  const skipped: string[] = [];
  // Clusters together, as the scale steps run them: a plan of several clusters is not prepared one by one.
  await Promise.all(
    clusters.map((cluster, index) =>
      refusedAsSkipped(skipped, `${cluster.name} in ${region}`, async () => {
        // Settled: every nodegroup was already at its size, so nothing was asked and nothing needs undoing.
        const settled = await raiseToActive(context, deps, cluster, { preparation: true }, states[index]);
        if (!settled) prepared.push(`${cluster.name}: nodegroups asked for their active sizes`);
      }),
    ),
  );
  for (const { id, unit, active } of capacityBlockUnits(plan.recovery.blocks, region, deps.blockCapacity)) {
    await refusedAsSkipped(skipped, `${unit.resource} in ${region}`, async () => {
      const current = await unit.read();
      if (current === undefined) {
        skipped.push(`${unit.resource} does not exist in ${region}`);
        return;
      }
      if (current.requested >= active) return;
      await setAudited(
        context,
        unit,
        region,
        { from: current.requested, to: active },
        {
          block: id,
          preparation: true,
        },
      );
      prepared.push(`${unit.resource}: ${current.requested} → ${active}`);
    });
  }
  await recordDecision(context, {
    action: "capacity.prepared",
    resource: `${region}/${plan.name}`,
    details: { prepared, skipped, holdSeconds: plan.triggers.holdSeconds },
  });
  return { status: "done", prepared, skipped, at };
}

/** Whether `preparation` (the step's result in the workflow state) asked AWS for anything. */
export function preparedAnything(preparation: unknown): boolean {
  const prepared = (preparation as { prepared?: unknown } | undefined)?.prepared;
  return Array.isArray(prepared) && prepared.length > 0;
}

function undersized(cluster: EksClusterPlan, states: readonly NodegroupState[]): string[] {
  return cluster.nodegroups.flatMap((nodegroup, index) => {
    const state = states[index];
    return state && state.maxSize < nodegroup.activeSize
      ? [`${cluster.name}/${nodegroup.name} max size ${state.maxSize} < active ${nodegroup.activeSize}`]
      : [];
  });
}

/** A refusal by AWS leaves the block to its own step, which meets it again and handles it there. */
async function refusedAsSkipped(skipped: string[], what: string, prepare: () => Promise<void>) {
  try {
    await prepare();
  } catch (error) {
    if (!(error instanceof AwsCallError)) throw error;
    skipped.push(`${what}: AWS refused (${error.awsErrorName}); left to its scale step`);
  }
}
