import type { DataLossPolicy } from "../plan/schema.js";
import type { WorkflowKind } from "../ports/plan-state.js";

/**
 * What the evidence gathered over the window says of the old primary (promotion-evidence.ts):
 *   alive: it answered with a healthy status; a switchover can run
 *   down: it cannot take writes, and every source agrees, for long enough to trust it
 *   unsure: the sources disagree (its API times out while replication still flows, say), or it has not
 *           been down long enough yet
 */
export type PrimaryVerdict = "alive" | "down" | "unsure";

export interface PromotionFacts {
  kind: WorkflowKind;
  verdict: PrimaryVerdict;
  /** Whether the bounded evidence window (or the rollback trigger) has closed. */
  windowClosed: boolean;
  policy: DataLossPolicy;
  /** The target's lag read at decision time, in seconds; null when unknown. */
  lagSeconds: number | null;
  rpoSeconds: number;
}

export type PromotionDecision =
  | { action: "switchover"; why: string }
  | { action: "failover"; why: string }
  | { action: "wait"; why: string }
  | { action: "escalate"; why: string }
  | { action: "ask"; why: string };

/**
 * The README's decision table ("When kirikae switches over, fails over, waits or asks"), as code. Pure:
 * every row has a test in test/unit/promotion-decision.test.ts. Nothing here loses data unless the old
 * primary is judged down on agreeing evidence and the plan's policy allows it at the lag measured now.
 */
export function decidePromotion(facts: PromotionFacts): PromotionDecision {
  const { verdict, policy, lagSeconds, rpoSeconds } = facts;
  if (verdict === "alive") {
    return { action: "switchover", why: "the old primary answers with a healthy status: no data is lost" };
  }
  if (verdict === "unsure") {
    if (!facts.windowClosed) {
      return {
        action: "wait",
        why: "the evidence about the old primary disagrees or is too short: no data-loss failover on a guess",
      };
    }
    return policy === "approval-above-rpo" && facts.kind === "failover"
      ? { action: "ask", why: "the old primary's state stayed unclear for the whole evidence window" }
      : {
          action: "escalate",
          why: "the old primary's state stayed unclear for the whole evidence window; a failover could leave two writers",
        };
  }
  if (facts.kind === "failback") {
    return {
      action: "escalate",
      why: "a failback is always a switchover, and the region left does not answer",
    };
  }
  if (policy === "never") {
    return { action: "escalate", why: 'the old primary is down and the plan\'s dataLoss is "never"' };
  }
  const lag = lagSeconds === null ? "unknown" : `${lagSeconds.toFixed(1)} s`;
  if (lagSeconds !== null && lagSeconds <= rpoSeconds) {
    return {
      action: "failover",
      why: `the old primary is down; lag ${lag} is within the RPO of ${rpoSeconds} s (dataLoss "${policy}")`,
    };
  }
  const beyond =
    lagSeconds === null
      ? "the replication lag is unknown (no datapoint), so the loss cannot be bounded"
      : `lag ${lag} is above the RPO of ${rpoSeconds} s`;
  return policy === "approval-above-rpo"
    ? { action: "ask", why: `the old primary is down; ${beyond}: a person decides` }
    : { action: "escalate", why: `the old primary is down; ${beyond} (dataLoss "within-rpo")` };
}
