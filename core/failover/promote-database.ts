import { auditedAction, recordDecision } from "../audit/audited-action.js";
import type { GlobalClusterState, GlobalDatabasePort } from "../ports/global-database.js";
import type { TrafficGatesPort } from "../ports/traffic-gates.js";
import { trafficMode } from "../traffic/gates.js";
import { settled } from "../workflow/polling.js";
import { rollbackDeadline, type StepContext } from "../workflow/step-context.js";
import {
  DataLossNotAllowed,
  RollbackTriggerExceeded,
  SwitchoverNotCompleted,
} from "../workflow/workflow-errors.js";
import { memberArn } from "./plan-lookup.js";
import { flipGates } from "./switch-traffic.js";

export type PromotionMode = "switchover" | "failover";

/** The step's result; the state machine hands it back in on the next poll. */
export interface PromotionProgress {
  status: "pending" | "done";
  mode?: PromotionMode;
  startedAt?: string;
  completedAt?: string;
  /** Replication lag read just before promoting: the writes a failover may lose (0 for a switchover). */
  rpoEstimateSeconds?: number;
  /** Present while pending: when to look again. */
  pollAfterSeconds?: number;
  /** When the gates were flipped inside the switchover's window with no writer (gate mode only). */
  gatesMovedAt?: string;
}

export interface PromotionDeps {
  database: GlobalDatabasePort;
  gates: TrafficGatesPort;
}

export const PROMOTION_POLL_SECONDS = 5;

/**
 * Makes the target region's cluster the global database's writer. Called again on every poll; each call
 * reads the global cluster first, so a retry or a re-run never promotes twice (invariant 4).
 *   1. already the writer and nothing in progress: done (and if we started it, record completion)
 *   2. past the rollback trigger: stop and escalate (a promotion may still complete on its own)
 *   3. a switchover/failover towards the target is in progress: pending
 *   4. otherwise record the RPO estimate, then switch over if the old primary answers, else fail over
 *      with data loss only where the plan allows it; failback is always a switchover
 *   5. gate mode, switchover: once Aurora has begun it, neither cluster takes writes until it completes,
 *      so the gates flip now and DNS reaches the new writer as it starts taking writes (a switchover is
 *      over in about a minute; a gate propagates in seconds). Should the switchover end with the old
 *      writer still writer, the gates flip back before anything else happens (invariant 1)
 * All calls go to the target region's endpoint; the old primary is only probed, best-effort.
 */
export async function promoteDatabase(
  context: StepContext,
  deps: PromotionDeps,
  previous: PromotionProgress | undefined,
): Promise<PromotionProgress> {
  const { database } = deps;
  const { plan, request } = context;
  const globalId = plan.database.globalClusterIdentifier;
  const targetArn = memberArn(plan, request.targetRegion);
  const global = await database.describe(globalId, request.targetRegion);

  if (isWriter(global, targetArn) && global.failover === undefined) {
    const completedAt = previous?.completedAt ?? context.clock.now().toISOString();
    if (previous?.status === "pending") {
      await recordDecision(context, {
        action: "database.promoted",
        resource: targetArn,
        after: { writer: targetArn },
      });
    }
    return { ...settled(previous ?? {}), status: "done", completedAt };
  }
  const switchingToTarget = global.failover !== undefined && global.failover.toClusterArn === targetArn;
  if (previous?.gatesMovedAt !== undefined && !switchingToTarget) {
    await flipGatesBack(context, deps.gates);
    throw new SwitchoverNotCompleted(targetArn);
  }
  const deadline = rollbackDeadline(context);
  if (context.clock.now() > deadline) throw new RollbackTriggerExceeded(deadline, { resource: globalId });
  if (switchingToTarget) {
    const progress: PromotionProgress = {
      ...previous,
      status: "pending",
      pollAfterSeconds: PROMOTION_POLL_SECONDS,
    };
    if (
      progress.mode === "switchover" &&
      progress.gatesMovedAt === undefined &&
      trafficMode(context.plan) === "gates" &&
      global.failover?.dataLossAllowed === false
    ) {
      await flipGates(context, deps.gates, context.clock.now().toISOString());
      progress.gatesMovedAt = context.clock.now().toISOString();
    }
    return progress;
  }

  const sourceArn = memberArn(plan, request.sourceRegion);
  const lagMs = request.kind === "failback" ? 0 : ((await database.replicationLagMs(targetArn)) ?? 0);
  const mode = await chooseMode(context, database, sourceArn);
  const rpoEstimateSeconds = mode === "switchover" ? 0 : lagMs / 1000;
  await recordDecision(context, {
    action: "database.rpo-estimate",
    resource: targetArn,
    details: {
      mode,
      replicationLagMs: lagMs,
      rpoEstimateSeconds,
      rpoObjectiveMinutes: plan.objectives.rpoMinutes,
    },
  });
  const description = {
    action: mode === "switchover" ? "rds:SwitchoverGlobalCluster" : "rds:FailoverGlobalCluster",
    resource: globalId,
    region: request.targetRegion,
    before: { writer: writerArn(global) },
    after: { writer: targetArn },
    details: { targetClusterArn: targetArn, ...(mode === "failover" ? { allowDataLoss: true } : {}) },
  };
  await auditedAction(context, description, () =>
    mode === "switchover"
      ? database.switchover(globalId, targetArn, request.targetRegion)
      : database.failover(globalId, targetArn, request.targetRegion),
  );
  const startedAt = context.clock.now().toISOString();
  const moveGatesNow = mode === "switchover" && trafficMode(plan) === "gates";
  if (moveGatesNow) await flipGates(context, deps.gates, startedAt);
  return {
    status: "pending",
    mode,
    startedAt,
    rpoEstimateSeconds,
    pollAfterSeconds: PROMOTION_POLL_SECONDS,
    ...(moveGatesNow ? { gatesMovedAt: context.clock.now().toISOString() } : {}),
  };
}

async function chooseMode(
  context: StepContext,
  database: GlobalDatabasePort,
  sourceArn: string,
): Promise<PromotionMode> {
  const oldPrimaryAnswers = await database.clusterAvailable(sourceArn);
  if (oldPrimaryAnswers) return "switchover";
  if (context.request.kind === "failback" || !context.plan.database.allowDataLoss) {
    throw new DataLossNotAllowed({ resource: sourceArn });
  }
  return "failover";
}

/** The switchover ended without moving the writer: the gates go back to the region that still writes. */
async function flipGatesBack(context: StepContext, gates: TrafficGatesPort): Promise<void> {
  const { request } = context;
  const reversed: StepContext = {
    ...context,
    request: { ...request, sourceRegion: request.targetRegion, targetRegion: request.sourceRegion },
  };
  await flipGates(reversed, gates, context.clock.now().toISOString());
}

function isWriter(global: GlobalClusterState, clusterArn: string): boolean {
  return global.members.some((member) => member.clusterArn === clusterArn && member.isWriter);
}

function writerArn(global: GlobalClusterState): string | undefined {
  return global.members.find((member) => member.isWriter)?.clusterArn;
}
