import { describe, expect, it } from "vitest";
import type { AuditRecord } from "../../core/ports/audit.js";
import { parsedFleetPlan } from "../../examples/generate-fleet-plan.js";
import type { CallRecord } from "../../sandbox/call-history.js";
import { type DrillResult, runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario, type Scenario } from "../../sandbox/drill/scenarios.js";
import { gatedTestPlan } from "../support/plan-fixtures.js";

/** The test plan with the early scale-up on, and a hold long enough to matter. */
const preparing = gatedTestPlan((input) => {
  input.triggers = { ...input.triggers, holdSeconds: 60, prepareDuringHold: true };
});
const waiting = gatedTestPlan((input) => {
  input.triggers = { ...input.triggers, holdSeconds: 60 };
});

function scenario(name: string): Scenario {
  const found = findScenario(name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
}

interface Observed {
  result: DrillResult;
  calls: CallRecord[];
  chain: AuditRecord[];
  lockHolder: string | undefined;
}

async function drill(plan = preparing, name = "region-outage"): Promise<Observed> {
  let calls: CallRecord[] = [];
  let chain: AuditRecord[] = [];
  let lockHolder: string | undefined;
  const result = await runDrill({
    plan,
    scenario: scenario(name),
    afterwards: async ({ built, controlPlane }) => {
      calls = [...built.estate.calls];
      chain = await controlPlane.audit.chain(plan.name);
      lockHolder = (await controlPlane.state.get(plan.name)).lock?.holder;
    },
  });
  return { result, calls, chain, lockHolder };
}

const standbyScaleUps = (calls: readonly CallRecord[]) =>
  calls.filter(
    (call) =>
      call.operation === "UpdateNodegroupConfig" &&
      call.region === "ap-southeast-1" &&
      call.error === undefined,
  );

describe("scaling the standby up at the first alarm, while the hold runs (triggers.prepareDuringHold)", () => {
  it("asks for the standby's capacity before the hold ends, and users are served sooner for it", async () => {
    const early = await drill();
    const late = await drill(waiting);

    const confirmed = early.chain.find((record) => record.action === "signal.confirmed");
    const [firstScaleUp] = standbyScaleUps(early.calls);
    expect(confirmed).toBeDefined();
    expect(firstScaleUp?.at.getTime()).toBeLessThan(Date.parse(confirmed?.at ?? ""));
    // Each early request is audited as a preparation, with its request ID like any other change.
    const prepared = early.chain.filter(
      (record) =>
        record.action === "eks:UpdateNodegroupConfig" &&
        record.kind === "intent" &&
        (record.details as { preparation?: boolean } | undefined)?.preparation === true,
    );
    expect(prepared.map((record) => record.resource).sort()).toEqual([
      "ap-southeast-1/shop-singapore/web",
      "ap-southeast-1/shop-singapore/worker",
    ]);
    expect(early.result.workflows[0]?.status).toBe("succeeded");
    expect(early.result.invariants).toEqual(late.result.invariants);
    expect(Object.values(early.result.invariants).every(Boolean)).toBe(true);
    // The scale step found the sizes asked for and sent no second change.
    expect(standbyScaleUps(early.calls)).toHaveLength(2);
    const seconds = (observed: Observed) => observed.result.workflows[0]?.userVisibleRtoSeconds ?? Infinity;
    expect(seconds(early)).toBeLessThan(seconds(late) - 30);
  }, 60_000);

  it("puts the standby back on a flap before it releases the lock, audited, and pages saying so", async () => {
    const { result, chain, calls, lockHolder } = await drill(preparing, "flapping-alarm");

    expect(result.workflows).toEqual([expect.objectContaining({ kind: "failover", status: "cleared" })]);
    expect(result.workflows[0]?.steps.map((step) => step.name)).toEqual([
      "Accept request",
      "Prepare capacity",
      "Confirm signal",
      "Undo preparation",
    ]);
    expect(result.final.nodegroups).toMatchObject({
      "ap-southeast-1/shop-singapore/web": 2,
      "ap-southeast-1/shop-singapore/worker": 1,
    });
    expect(result.final.writerRegion).toBe("ap-northeast-1");
    const compensations = chain.filter(
      (record) =>
        record.kind === "intent" && (record.details as { compensation?: boolean })?.compensation === true,
    );
    expect(compensations).toHaveLength(2);
    const closing = chain.findIndex((record) => record.action === "failover.cleared");
    expect(closing).toBeGreaterThan(chain.indexOf(compensations[1] as AuditRecord));
    expect((chain[closing]?.details as { undone?: string[] } | undefined)?.undone).toHaveLength(2);
    // Up twice, down twice, nothing else changed.
    expect(
      calls
        .filter((call) => call.mutating && call.error === undefined)
        .map((c) => c.operation)
        .sort(),
    ).toEqual(["StartExecution", ...Array(4).fill("UpdateNodegroupConfig")].sort());
    expect(lockHolder).toBeUndefined();
    expect(result.notifications.some((subject) => subject.includes("alarm cleared within the hold"))).toBe(
      true,
    );
    expect(result.ok).toBe(true);
  }, 60_000);

  it("puts back every cluster of a plan with several EKS blocks, not only the first", async () => {
    // 31 nodegroups: two clusters a region at EKS's 30 a cluster, each its own block; it prepares.
    const plan = parsedFleetPlan(31);
    const standbySizes = (result: DrillResult) =>
      Object.entries(result.final.nodegroups).filter(([key]) => key.startsWith("eu-west-1/"));

    const { result } = await drill(plan, "flapping-alarm");

    expect(result.workflows[0]?.status).toBe("cleared");
    expect(new Set(standbySizes(result).map(([key]) => key.split("/")[1])).size).toBe(2);
    expect(standbySizes(result).filter(([, size]) => size !== 1)).toEqual([]);
    expect(result.ok).toBe(true);
  }, 60_000);

  it("prepares nothing when a standby nodegroup cannot reach its active size: the pre-checks decide", async () => {
    const { result, chain } = await drill(preparing, "dr-not-ready");

    expect(result.workflows[0]).toMatchObject({ status: "aborted" });
    expect(result.mutations).toEqual({ StartExecution: 1 });
    expect(chain.some((record) => record.action === "capacity.preparation-skipped")).toBe(true);
    expect(result.ok).toBe(true);
  }, 60_000);

  it("undoes the early scale-up when the run escalates before any database moved", async () => {
    const { result } = await drill(preparing, "lag-beyond-rpo");

    expect(result.workflows[0]?.status).toBe("escalated");
    expect(result.final.writerRegion).toBe("ap-northeast-1");
    expect(result.final.nodegroups).toMatchObject({
      "ap-southeast-1/shop-singapore/web": 2,
      "ap-southeast-1/shop-singapore/worker": 1,
    });
    expect(result.ok).toBe(true);
  }, 60_000);
});
