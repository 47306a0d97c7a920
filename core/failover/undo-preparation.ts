import type { PlanStatePort } from "../ports/plan-state.js";
import type { NotifierPort } from "../ports/workflows.js";
import { type BlockCapacityPorts, undoBlockCapacity } from "../recovery/undo-capacity.js";
import { executionNameOf } from "../workflow/accept-request.js";
import { rollbackDeadline, type StepContext } from "../workflow/step-context.js";
import { type AlarmReading, closeClearedSignal } from "./confirm-signal.js";
import { restoreStandby } from "./restore-capacity.js";
import type { CapacityDeps } from "./scale-nodegroups.js";

export interface UndoPreparationDeps extends CapacityDeps {
  blockCapacity: BlockCapacityPorts;
  state: Pick<PlanStatePort, "get" | "releaseLock">;
  notifier: NotifierPort;
}

export interface UndoProgress {
  status: "pending" | "done";
  /** What was put back so far, in words, kept across polls. */
  undone: string[];
  /** What was left as it is, and why. */
  left: string[];
  pollAfterSeconds?: number;
}

export const UNDO_POLL_SECONDS = 10;

/**
 * A flap after an early scale-up (prepare-capacity.ts): puts the standby back, then ends the run. Called
 * again after each Wait until EKS lets every nodegroup be changed (one still UPDATING from the scale-up
 * refuses a second update), and only then releases the lock, so no other run starts on a standby that is
 * half put back.
 *   1. a run that no longer holds the lock changes nothing (its holder owns the standby now)
 *   2. every EKS cluster of the standby region, and each Auto Scaling group and ECS service block, back to
 *      standby where it still holds what the scale-up set (restoreStandby, undoBlockCapacity), audited as
 *      compensation; a size an autoscaler or a person chose since stays theirs
 *   3. settled, or the plan's rollback trigger passed (then what is left is named): release the lock,
 *      record the run's closing with what was undone, and page
 */
export async function undoPreparation(
  context: StepContext,
  deps: UndoPreparationDeps,
  signal: { reason: string; readings: readonly Pick<AlarmReading, "statement">[] },
  previous: UndoProgress | undefined,
): Promise<UndoProgress> {
  const { plan, request } = context;
  const lock = (await deps.state.get(plan.name)).lock;
  if (lock?.holder !== executionNameOf(context.execution.id)) {
    return {
      status: "done",
      undone: [],
      left: ["the plan's lock is another run's: its standby is left to it"],
    };
  }
  const region = request.targetRegion;
  const undone = [...(previous?.undone ?? [])];
  const restored = await restoreStandby(context, deps, region, { compensation: true });
  undone.push(...restored.changes);
  const { settled, left } = restored;
  undone.push(...(await undoBlockCapacity(context, deps.blockCapacity)));
  if (!settled && context.clock.now() < rollbackDeadline(context)) {
    return { status: "pending", undone, left, pollAfterSeconds: UNDO_POLL_SECONDS };
  }
  await closeClearedSignal(context, deps, signal.reason, signal.readings, [...undone, ...left]);
  return { status: "done", undone, left };
}
