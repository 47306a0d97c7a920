import { describe, expect, it } from "vitest";
import { decidePromotion, type PromotionFacts } from "../../core/failover/promotion-decision.js";
import {
  DOWN_CONFIRM_SECONDS,
  type EvidenceWindow,
  judgePrimary,
  type PrimaryObservation,
} from "../../core/failover/promotion-evidence.js";

const RPO = 300;

function facts(overrides: Partial<PromotionFacts>): PromotionFacts {
  return {
    kind: "failover",
    verdict: "down",
    windowClosed: false,
    policy: "within-rpo",
    lagSeconds: 1,
    rpoSeconds: RPO,
    ...overrides,
  };
}

// One test per row of the README's table "When kirikae switches over, fails over, waits or asks".
describe("the promotion decision table", () => {
  it("row 1: switches over whenever the old primary answers alive, whatever the policy and lag", () => {
    for (const policy of ["never", "within-rpo", "approval-above-rpo"] as const) {
      expect(decidePromotion(facts({ verdict: "alive", policy, lagSeconds: null })).action).toBe(
        "switchover",
      );
    }
  });

  it("row 2: waits while the evidence is unsure and the evidence window is open", () => {
    expect(decidePromotion(facts({ verdict: "unsure", policy: "approval-above-rpo" })).action).toBe("wait");
  });

  it("row 3: escalates when the evidence stays unsure for the whole window (never, within-rpo)", () => {
    for (const policy of ["never", "within-rpo"] as const) {
      expect(decidePromotion(facts({ verdict: "unsure", windowClosed: true, policy })).action).toBe(
        "escalate",
      );
    }
  });

  it("row 4: asks a person when the evidence stays unsure under approval-above-rpo", () => {
    const decision = decidePromotion(
      facts({ verdict: "unsure", windowClosed: true, policy: "approval-above-rpo" }),
    );
    expect(decision.action).toBe("ask");
  });

  it('row 5: never fails over with data loss under dataLoss "never"', () => {
    expect(decidePromotion(facts({ policy: "never", lagSeconds: 0.5 }))).toMatchObject({
      action: "escalate",
      why: expect.stringContaining('"never"'),
    });
  });

  it("row 6: fails over when the primary is down and the lag is known and within the RPO", () => {
    for (const policy of ["within-rpo", "approval-above-rpo"] as const) {
      expect(decidePromotion(facts({ policy, lagSeconds: RPO })).action).toBe("failover");
    }
  });

  it("row 7: escalates under within-rpo when the lag is above the RPO or unknown, saying which", () => {
    expect(decidePromotion(facts({ lagSeconds: RPO + 1 })).why).toMatch(/above the RPO/);
    expect(decidePromotion(facts({ lagSeconds: null }))).toMatchObject({
      action: "escalate",
      why: expect.stringMatching(/unknown/),
    });
  });

  it("row 8: asks under approval-above-rpo when the lag is above the RPO or unknown", () => {
    expect(decidePromotion(facts({ policy: "approval-above-rpo", lagSeconds: RPO + 1 })).action).toBe("ask");
    expect(decidePromotion(facts({ policy: "approval-above-rpo", lagSeconds: null })).action).toBe("ask");
  });

  it("row 9: a failback never loses data: a region left that is down means escalation", () => {
    const decision = decidePromotion(
      facts({ kind: "failback", policy: "approval-above-rpo", lagSeconds: 0 }),
    );
    expect(decision.action).toBe("escalate");
  });
});

function look(secondsIn: number, overrides: Partial<PrimaryObservation> = {}): PrimaryObservation {
  return {
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, secondsIn)).toISOString(),
    api: { answered: false, error: "TimeoutError: probe timed out" },
    condition: "unreachable",
    health: "unhealthy",
    lag: { ms: 120_000 + secondsIn * 1000, metric: "AuroraGlobalDBRPOLag" },
    global: { status: "available", writer: "arn:aws:rds:ap-northeast-1:111122223333:cluster:shop-tokyo" },
    ...overrides,
  };
}

function window(...observations: PrimaryObservation[]): EvidenceWindow {
  return { startedAt: observations[0]?.at ?? "", observations };
}

describe("judging the old primary from the evidence", () => {
  it("counts a healthy status other than available (backing-up) as alive", () => {
    const judged = judgePrimary(
      window(look(0, { api: { answered: true, status: "backing-up" }, condition: "alive" })),
    );
    expect(judged.verdict).toBe("alive");
  });

  it("is unsure when the API times out but replication still flows (lag steady)", () => {
    const steady = { ms: 800, metric: "AuroraGlobalDBRPOLag" as const };
    expect(judgePrimary(window(look(0, { lag: steady }), look(30, { lag: steady }))).verdict).toBe("unsure");
  });

  it("is unsure when the API times out but the region's health checks are healthy", () => {
    expect(
      judgePrimary(window(look(0, { health: "healthy" }), look(60, { health: "healthy" }))).verdict,
    ).toBe("unsure");
  });

  it("calls it down only once silence with a stalled stream has lasted over several looks", () => {
    expect(judgePrimary(window(look(0))).verdict).toBe("unsure");
    expect(judgePrimary(window(look(0), look(DOWN_CONFIRM_SECONDS))).verdict).toBe("down");
  });
});
