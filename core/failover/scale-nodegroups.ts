import { auditedAction, recordDecision } from "../audit/audited-action.js";
import type { ComputePort } from "../ports/compute.js";
import { rollbackDeadline, type StepContext } from "../workflow/step-context.js";
import { RollbackTriggerExceeded } from "../workflow/workflow-errors.js";
import { clusterFor } from "./plan-lookup.js";

export interface ScalingProgress {
  status: "pending" | "done";
  region: string;
  /** Nodegroup name to its desired size once done. */
  sizes: Record<string, number>;
  startedAt?: string;
  completedAt?: string;
  pollAfterSeconds?: number;
}

export const SCALING_POLL_SECONDS = 10;

/**
 * Brings one region's nodegroups to their active (or standby) sizes. Capacity is not guaranteed, so the
 * step is done only when EKS reports each nodegroup ACTIVE at its size, not when the call is accepted.
 *   1. read each nodegroup; one UPDATING is left alone until it settles (EKS refuses a second update)
 *   2. an ACTIVE one at another size gets UpdateNodegroupConfig (min = desired = the plan's size)
 *   3. done when every nodegroup is ACTIVE at its size; re-running changes nothing (invariant 4)
 */
export async function scaleNodegroups(
  context: StepContext,
  compute: ComputePort,
  target: { region: string; size: "active" | "standby" },
  previous: ScalingProgress | undefined,
): Promise<ScalingProgress> {
  const cluster = clusterFor(context.plan, target.region);
  const sizes: Record<string, number> = {};
  let settled = true;
  for (const nodegroup of cluster.nodegroups) {
    const wanted = target.size === "active" ? nodegroup.activeSize : nodegroup.standbySize;
    sizes[nodegroup.name] = wanted;
    const state = await compute.nodegroup(target.region, cluster.name, nodegroup.name);
    if (state.status !== "ACTIVE") {
      settled = false;
      continue;
    }
    if (state.desiredSize === wanted && state.minSize === wanted) continue;
    settled = false;
    const deadline = rollbackDeadline(context);
    if (context.clock.now() > deadline)
      throw new RollbackTriggerExceeded(deadline, { resource: nodegroup.name });
    await auditedAction(
      context,
      {
        action: "eks:UpdateNodegroupConfig",
        resource: `${target.region}/${cluster.name}/${nodegroup.name}`,
        region: target.region,
        before: { minSize: state.minSize, desiredSize: state.desiredSize, maxSize: state.maxSize },
        after: { minSize: wanted, desiredSize: wanted, maxSize: state.maxSize },
      },
      () =>
        compute.scale(target.region, cluster.name, nodegroup.name, { minSize: wanted, desiredSize: wanted }),
    );
  }
  const now = context.clock.now().toISOString();
  const startedAt = previous?.startedAt ?? now;
  if (settled) {
    if (previous?.status === "pending") {
      await recordDecision(context, {
        action: target.size === "active" ? "nodegroups.scaled-up" : "nodegroups.scaled-down",
        resource: `${target.region}/${cluster.name}`,
        after: sizes,
      });
    }
    return {
      status: "done",
      region: target.region,
      sizes,
      startedAt,
      completedAt: previous?.completedAt ?? now,
    };
  }
  return {
    status: "pending",
    region: target.region,
    sizes,
    startedAt,
    pollAfterSeconds: SCALING_POLL_SECONDS,
  };
}
