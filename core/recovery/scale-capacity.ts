import { auditedAction } from "../audit/audited-action.js";
import type { MutationReceipt } from "../ports/global-database.js";
import { settled } from "../workflow/polling.js";
import { type AuditScope, rollbackDeadline } from "../workflow/step-context.js";
import { CapacityNotReady } from "./block-errors.js";
import { type BlockProgress, type BlockStepContext, phaseRegion } from "./block-step.js";

export const CAPACITY_POLL_SECONDS = 15;

/** One unit of capacity a block scales in one region: what to read, what to set, and how to name it. */
export interface CapacityUnit {
  /** The AWS action recorded for the change, e.g. "autoscaling:UpdateAutoScalingGroup". */
  action: string;
  /** The group's or service's name, as the audit record and errors show it. */
  resource: string;
  /** Undefined: the resource does not exist in the region. */
  read(): Promise<{ requested: number; ready: number } | undefined>;
  set(count: number): Promise<MutationReceipt>;
}

/**
 * Asks one unit for a new count between its two audit records: the scale step, the early scale-up and the
 * escalation's undo all change capacity this way, each saying why in `details`.
 */
export function setAudited(
  context: AuditScope,
  unit: CapacityUnit,
  region: string,
  change: { from: number; to: number },
  details: Record<string, unknown>,
): Promise<MutationReceipt> {
  return auditedAction(
    context,
    {
      action: unit.action,
      resource: unit.resource,
      region,
      before: { requested: change.from },
      after: { requested: change.to },
      details,
    },
    () => unit.set(change.to),
  );
}

export interface CapacityTarget extends CapacityUnit {
  /** What the phase wants running. */
  wanted: number;
}

export interface CapacityProgress extends BlockProgress {
  ready?: number;
  wanted?: number;
}

/**
 * Scales one group or service of a block and waits for it, the same way for every capacity kind:
 *   1. read; a resource missing in the region fails the step (the readiness check reports it earlier)
 *   2. asks for the phase's count once, audited with its request ID; a count already asked for is left
 *      alone, so a poll after a timeout never sends a second change
 *   3. done when that many are ready (instances InService, tasks RUNNING), else poll again, until the
 *      plan's rollback trigger
 */
export async function scaleCapacity(
  context: BlockStepContext,
  target: CapacityTarget,
  previous: CapacityProgress | undefined,
): Promise<CapacityProgress> {
  const region = phaseRegion(context);
  const startedAt = previous?.startedAt ?? context.clock.now().toISOString();
  const current = await target.read();
  if (current === undefined) {
    throw new CapacityNotReady(`${target.resource} does not exist in ${region}`, {
      resource: target.resource,
    });
  }
  if (current.requested !== target.wanted) {
    await setAudited(
      context,
      target,
      region,
      { from: current.requested, to: target.wanted },
      {
        block: context.block.id,
        phase: context.phase,
      },
    );
  }
  const { ready } = current;
  if (ready >= target.wanted) {
    return settled<CapacityProgress>({
      status: "done",
      startedAt,
      completedAt: context.clock.now().toISOString(),
      ready,
      wanted: target.wanted,
    });
  }
  const deadline = rollbackDeadline(context);
  if (context.clock.now() >= deadline) {
    throw new CapacityNotReady(
      `${target.resource} in ${region} has ${ready} of ${target.wanted} ready at the plan's rollback trigger`,
      { resource: target.resource },
    );
  }
  return {
    status: "pending",
    startedAt,
    ready,
    wanted: target.wanted,
    pollAfterSeconds: CAPACITY_POLL_SECONDS,
  };
}
