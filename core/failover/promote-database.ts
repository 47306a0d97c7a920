import { auditedAction, recordDecision } from "../audit/audited-action.js";
import type { GlobalClusterState, GlobalDatabasePort, LagMetric } from "../ports/global-database.js";
import type { TrafficGatesPort } from "../ports/traffic-gates.js";
import { trafficMode } from "../traffic/gates.js";
import { moveGates } from "../traffic/move-gates.js";
import { settled } from "../workflow/polling.js";
import { rollbackDeadline, type StepContext } from "../workflow/step-context.js";
import {
  DataLossNotAllowed,
  RollbackTriggerExceeded,
  SwitchoverNotCompleted,
} from "../workflow/workflow-errors.js";
import type { HealthCheckReader } from "./health-check-reads.js";
import { memberArn } from "./plan-lookup.js";
import { decidePromotion, type PrimaryVerdict } from "./promotion-decision.js";
import {
  EVIDENCE_POLL_SECONDS,
  EVIDENCE_WINDOW_SECONDS,
  type EvidenceWindow,
  extendWindow,
  judgePrimary,
  observePrimary,
} from "./promotion-evidence.js";

export type PromotionMode = "switchover" | "failover";

/**
 * What a person is asked before a failover that may lose more than the RPO allows (the README's "asks"
 * rows): the stakes as measured when the question was put, for the notification and the audit trail.
 */
export interface DataLossQuestion {
  why: string;
  verdict: PrimaryVerdict;
  /** The target's lag at the decision, in seconds: about how many seconds of writes are lost; null: unknown. */
  lagSeconds: number | null;
  lagMetric: LagMetric;
  rpoSeconds: number;
  /** Each source's reading of the old primary, in words. */
  evidence: string[];
  askedAt: string;
  /**
   * How long the question may wait: until the plan's rollback trigger, never past it, so an unanswered
   * question ends in escalation while the run is still inside its trigger. Whole seconds, at least 1.
   */
  timeoutSeconds: number;
}

/** The answer `kirikae approve` sends back with the question's task token (core/approval/decide-approval.ts). */
export interface DataLossAnswer {
  approved: boolean;
  /** The approver's IAM identity as STS gave it to the CLI. */
  approver: string;
  reason: string;
}

/** The step's result; the state machine hands it back in on the next poll. */
export interface PromotionProgress {
  /** "ask": the state machine pauses on the question and calls the step again with the answer. */
  status: "pending" | "done" | "ask";
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
  /** Present with status "ask": what the person is asked. */
  question?: DataLossQuestion;
  /** Placed by the state machine once the question is approved (a rejection never comes back here). */
  answer?: DataLossAnswer;
  /** Who approved the data-loss failover now under way, when a person did. */
  approvedBy?: string;
}

export interface PromotionDeps {
  database: GlobalDatabasePort;
  gates: TrafficGatesPort;
  /** Advisory: the old primary's region's health checks, through probes of us-east-1's Route 53 API. */
  healthChecks: HealthCheckReader;
  /**
   * A plan with several databases: whether every other one is now switching over to the target region or
   * already writes there. The gates move only then, so users never reach a region where one of their
   * databases still writes elsewhere. Absent: the plan has one database.
   */
  othersInWindow?: () => Promise<boolean>;
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
 *      (poll again, within the evidence window and the rollback trigger) while unsure; else escalate, or
 *      ask a person: status "ask" with the stakes (lag or unknown, RPO, evidence), on which the state
 *      machine pauses ("Await data-loss approval") until the rollback trigger at most, then calls again
 *      with the approval, and only then fails over with data loss, recorded as approved by that person.
 *      The decision is recorded with its evidence before any call
 *   5. gate mode, switchover: once Aurora has begun it, neither cluster takes writes until it completes,
 *      so the gates flip now and DNS reaches the new writer as it starts taking writes (a switchover is
 *      over in about a minute; a gate propagates in seconds). Should the switchover end with the old
 *      writer still writer, the gates flip back before anything else happens (invariant 1). A plan with
 *      several databases flips them from its first database's step, on the poll at which every other
 *      database's switchover has begun too (`othersInWindow`)
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
    // The switchover ended without moving the writer: the gates go back to the region that still writes.
    await moveGates(context, deps.gates, { close: request.targetRegion, open: request.sourceRegion });
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
      global.failover?.dataLossAllowed === false &&
      (await othersReady(deps))
    ) {
      await moveGates(context, deps.gates, { close: request.sourceRegion, open: request.targetRegion });
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
  if (decision.action === "escalate") {
    await recordDecision(context, {
      action: "database.promotion-refused",
      resource: sourceArn,
      outcome: "failed",
      details: record,
    });
    throw new DataLossNotAllowed({ resource: sourceArn, reason: decision.why });
  }
  // An approval counts only for the question it answers, and only while the fresh decision still asks:
  // an old primary that came back alive is switched over, whatever was approved.
  const approval = decision.action === "ask" ? approvalOf(previous, sourceArn) : undefined;
  if (decision.action === "ask" && approval === undefined) {
    const question: DataLossQuestion = {
      why: decision.why,
      verdict: judgement.verdict,
      lagSeconds,
      lagMetric: observation.lag.metric,
      rpoSeconds: plan.objectives.rpoMinutes * 60,
      evidence: judgement.reasons,
      askedAt: now.toISOString(),
      timeoutSeconds: Math.max(1, Math.floor((deadline.getTime() - now.getTime()) / 1000)),
    };
    await recordDecision(context, {
      action: "database.data-loss-approval-needed",
      resource: sourceArn,
      outcome: "pending",
      details: { ...record, expiresAt: deadline.toISOString() },
    });
    return { status: "ask", evidence, question };
  }
  const mode: PromotionMode = decision.action === "switchover" ? "switchover" : "failover";
  const rpoEstimateSeconds = mode === "switchover" ? 0 : lagSeconds;
  const approvedBy = approval
    ? {
        approvedBy: approval.approver,
        approvalReason: approval.reason,
        askedLagSeconds: previous?.question?.lagSeconds ?? null,
      }
    : {};
  await recordDecision(context, {
    action: "database.rpo-estimate",
    resource: targetArn,
    details: { mode, rpoEstimateSeconds, ...record, ...approvedBy },
  });
  const callRegion = mode === "switchover" ? request.sourceRegion : request.targetRegion;
  const description = {
    action: mode === "switchover" ? "rds:SwitchoverGlobalCluster" : "rds:FailoverGlobalCluster",
    resource: globalId,
    region: callRegion,
    before: { writer: writerArn(global) },
    after: { writer: targetArn },
    details: {
      targetClusterArn: targetArn,
      ...(mode === "failover" ? { allowDataLoss: true } : {}),
      ...(approval ? { approvedBy: approval.approver, approvalReason: approval.reason } : {}),
    },
  };
  await auditedAction(context, description, () =>
    mode === "switchover"
      ? database.switchover(globalId, targetArn, callRegion)
      : database.failover(globalId, targetArn, callRegion),
  );
  const startedAt = context.clock.now().toISOString();
  const moveGatesNow = mode === "switchover" && trafficMode(plan) === "gates" && (await othersReady(deps));
  if (moveGatesNow) {
    await moveGates(context, deps.gates, { close: request.sourceRegion, open: request.targetRegion });
  }
  return {
    status: "pending",
    mode,
    startedAt,
    rpoEstimateSeconds,
    pollAfterSeconds: PROMOTION_POLL_SECONDS,
    ...(moveGatesNow ? { gatesMovedAt: context.clock.now().toISOString() } : {}),
    ...(approval ? { approvedBy: approval.approver } : {}),
  };
}

function othersReady(deps: PromotionDeps): Promise<boolean> {
  return deps.othersInWindow ? deps.othersInWindow() : Promise.resolve(true);
}

/**
 * The approval the state machine placed after the step asked, if any. A rejection fails the wait itself
 * and never reaches the step; an answer here that does not approve is refused rather than asked again.
 */
function approvalOf(previous: PromotionProgress | undefined, sourceArn: string): DataLossAnswer | undefined {
  if (previous?.status !== "ask" || previous.answer === undefined) return undefined;
  if (previous.answer.approved !== true || typeof previous.answer.approver !== "string") {
    throw new DataLossNotAllowed({
      resource: sourceArn,
      reason: "the answer to the data-loss question did not approve the failover",
    });
  }
  return previous.answer;
}

function isWriter(global: GlobalClusterState, clusterArn: string): boolean {
  return global.members.some((member) => member.clusterArn === clusterArn && member.isWriter);
}

function writerArn(global: GlobalClusterState): string | undefined {
  return global.members.find((member) => member.isWriter)?.clusterArn;
}
