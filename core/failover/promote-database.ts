import { auditedAction, recordDecision } from "../audit/audited-action.js";
import type { GlobalClusterState, GlobalDatabasePort } from "../ports/global-database.js";
import type { TrafficGatesPort } from "../ports/traffic-gates.js";
import { trafficMode } from "../traffic/gates.js";
import { settled } from "../workflow/polling.js";
import { rollbackDeadline, type StepContext } from "../workflow/step-context.js";
import {
  DataLossNeedsApproval,
  DataLossNotAllowed,
  RollbackTriggerExceeded,
  SwitchoverNotCompleted,
} from "../workflow/workflow-errors.js";
import type { HealthCheckReader } from "./health-check-reads.js";
import { memberArn } from "./plan-lookup.js";
import { decidePromotion, type PromotionDecision } from "./promotion-decision.js";
import {
  EVIDENCE_POLL_SECONDS,
  EVIDENCE_WINDOW_SECONDS,
  type EvidenceWindow,
  extendWindow,
  judgePrimary,
  observePrimary,
} from "./promotion-evidence.js";
import { flipGates } from "./switch-traffic.js";

export type PromotionMode = "switchover" | "failover";

/** The step's result; the state machine hands it back in on the next poll. */
export interface PromotionProgress {
  status: "pending" | "done";
  mode?: PromotionMode;
  startedAt?: string;
  completedAt?: string;
  /**
   * Replication lag read just before promoting: the writes a failover may lose (0 for a switchover);
   * null when CloudWatch had no datapoint, which is unknown, never 0.
   */
  rpoEstimateSeconds?: number | null;
  /** The looks at the old primary so far, while the evidence is not yet conclusive. */
  evidence?: EvidenceWindow;
  /** Present while pending: when to look again. */
  pollAfterSeconds?: number;
  /** When the gates were flipped inside the switchover's window with no writer (gate mode only). */
  gatesMovedAt?: string;
}

export interface PromotionDeps {
  database: GlobalDatabasePort;
  gates: TrafficGatesPort;
  /** Advisory: the old primary's region's health checks, through probes of us-east-1's Route 53 API. */
  healthChecks: HealthCheckReader;
}

export const PROMOTION_POLL_SECONDS = 5;

/**
 * Makes the target region's cluster the global database's writer. Called again on every poll; each call
 * reads the global cluster first, so a retry or a re-run never promotes twice (invariant 4).
 *   1. already the writer and nothing in progress: done (and if we started it, record completion)
 *   2. past the rollback trigger: stop and escalate (a promotion may still complete on its own)
 *   3. a switchover/failover towards the target is in progress: pending
 *   4. otherwise look at the old primary from every side (promotion-evidence.ts) and decide by the
 *      README's table (promotion-decision.ts): switch over when it is alive; fail over with data loss only
 *      when it is down on agreeing evidence and the plan's dataLoss policy allows the lag read now; wait
 *      (poll again, within the evidence window and the rollback trigger) while unsure; else escalate or
 *      ask a person. The decision is recorded with its evidence before any call
 *   5. gate mode, switchover: once Aurora has begun it, neither cluster takes writes until it completes,
 *      so the gates flip now and DNS reaches the new writer as it starts taking writes (a switchover is
 *      over in about a minute; a gate propagates in seconds). Should the switchover end with the old
 *      writer still writer, the gates flip back before anything else happens (invariant 1)
 * A switchover is sent to the old primary's region, as AWS documents (it needs that region anyway, and
 * is only chosen when it answers); a failover to the target's. Reads of the old primary are probes.
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
  const now = context.clock.now();
  const observation = await observePrimary(
    plan,
    request.sourceRegion,
    sourceArn,
    targetArn,
    global,
    deps,
    now,
  );
  const evidence = extendWindow(previous?.evidence, observation);
  const judgement = judgePrimary(evidence);
  const windowEnd = Math.min(
    Date.parse(evidence.startedAt) + EVIDENCE_WINDOW_SECONDS * 1000,
    deadline.getTime(),
  );
  const lagSeconds = observation.lag.ms === null ? null : observation.lag.ms / 1000;
  const decision = decidePromotion({
    kind: request.kind,
    verdict: judgement.verdict,
    windowClosed: now.getTime() >= windowEnd,
    policy: plan.database.dataLoss,
    lagSeconds,
    rpoSeconds: plan.objectives.rpoMinutes * 60,
  });
  const record = {
    decision: decision.action,
    why: decision.why,
    verdict: judgement.verdict,
    evidence: judgement.reasons,
    dataLoss: plan.database.dataLoss,
    lagMetric: observation.lag.metric,
    replicationLagMs: observation.lag.ms,
    rpoObjectiveMinutes: plan.objectives.rpoMinutes,
    looks: evidence.observations.length,
    evidenceWindowStartedAt: evidence.startedAt,
  };
  if (decision.action === "wait") {
    // The first look that leaves kirikae unsure is recorded; the looks after it travel in the step's state.
    if (previous?.evidence === undefined) {
      await recordDecision(context, {
        action: "database.evidence-unsure",
        resource: sourceArn,
        details: record,
      });
    }
    return { status: "pending", evidence, pollAfterSeconds: EVIDENCE_POLL_SECONDS };
  }
  if (decision.action === "escalate" || decision.action === "ask") {
    await recordDecision(context, {
      action: decision.action === "ask" ? "database.data-loss-approval-needed" : "database.promotion-refused",
      resource: sourceArn,
      outcome: "failed",
      details: record,
    });
    throw refusal(decision, sourceArn);
  }
  const mode: PromotionMode = decision.action;
  const rpoEstimateSeconds = mode === "switchover" ? 0 : lagSeconds;
  await recordDecision(context, {
    action: "database.rpo-estimate",
    resource: targetArn,
    details: { mode, rpoEstimateSeconds, ...record },
  });
  const callRegion = mode === "switchover" ? request.sourceRegion : request.targetRegion;
  const description = {
    action: mode === "switchover" ? "rds:SwitchoverGlobalCluster" : "rds:FailoverGlobalCluster",
    resource: globalId,
    region: callRegion,
    before: { writer: writerArn(global) },
    after: { writer: targetArn },
    details: { targetClusterArn: targetArn, ...(mode === "failover" ? { allowDataLoss: true } : {}) },
  };
  await auditedAction(context, description, () =>
    mode === "switchover"
      ? database.switchover(globalId, targetArn, callRegion)
      : database.failover(globalId, targetArn, callRegion),
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

/** Escalation's error: its name is what the state machine and the report show; its action what to do. */
function refusal(decision: PromotionDecision, sourceArn: string): Error {
  return decision.action === "ask"
    ? new DataLossNeedsApproval(decision.why, { resource: sourceArn })
    : new DataLossNotAllowed({ resource: sourceArn, reason: decision.why });
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
