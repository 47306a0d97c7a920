import { describe, expect, it } from "vitest";
import type { WorkflowLock } from "../../core/ports/plan-state.js";
import { useLocalTables } from "../support/local-tables.js";

const tables = useLocalTables();

function lock(holder: string, leaseUntil = "2026-01-01T01:00:00.000Z"): WorkflowLock {
  return { holder, kind: "failover", acquiredAt: "2026-01-01T00:00:00.000Z", leaseUntil };
}

describe("plan lock in DynamoDB", () => {
  it("gives the lock to exactly one of 100 concurrent takers", async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        tables.state.acquireLock("storm", lock(`run-${index}`), "2026-01-01T00:00:00.000Z"),
      ),
    );

    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("lets a new run take over a lock whose lease ran out, but not before", async () => {
    await tables.state.acquireLock(
      "lease",
      lock("crashed", "2026-01-01T00:30:00.000Z"),
      "2026-01-01T00:00:00.000Z",
    );

    const early = await tables.state.acquireLock("lease", lock("next"), "2026-01-01T00:10:00.000Z");
    const late = await tables.state.acquireLock("lease", lock("next"), "2026-01-01T00:31:00.000Z");

    expect(early).toBe(false);
    expect(late).toBe(true);
    expect((await tables.state.get("lease")).lock?.holder).toBe("next");
  });

  it("releases only for the holder, and records where traffic now is", async () => {
    await tables.state.acquireLock("release", lock("owner"), "2026-01-01T00:00:00.000Z");

    await tables.state.releaseLock("release", "someone-else", { endedAt: "2026-01-01T00:05:00.000Z" });
    expect((await tables.state.get("release")).lock?.holder).toBe("owner");

    await tables.state.releaseLock("release", "owner", {
      endedAt: "2026-01-01T00:06:00.000Z",
      activeRegion: "ap-southeast-1",
    });
    expect(await tables.state.get("release")).toEqual({
      plan: "release",
      activeRegion: "ap-southeast-1",
      lastWorkflowEndedAt: "2026-01-01T00:06:00.000Z",
    });
  });

  it("lets the same execution take its lock again, as the detector's retry and the first step do", async () => {
    await tables.state.acquireLock(
      "same",
      lock("shop-failover-20260101T000000-abcd1234"),
      "2026-01-01T00:00:00.000Z",
    );

    const again = await tables.state.acquireLock(
      "same",
      lock("shop-failover-20260101T000000-abcd1234"),
      "2026-01-01T00:01:00.000Z",
    );
    const other = await tables.state.acquireLock(
      "same",
      lock("shop-failover-20260101T000005-ffff0000"),
      "2026-01-01T00:01:00.000Z",
    );

    expect(again).toBe(true);
    expect(other).toBe(false);
  });

  it("releases a lock without starting a cooldown when no run ended (a flap, a start that never happened)", async () => {
    await tables.state.acquireLock("flap", lock("earlier"), "2026-01-01T00:00:00.000Z");
    await tables.state.releaseLock("flap", "earlier", { endedAt: "2026-01-01T00:05:00.000Z" });
    await tables.state.acquireLock("flap", lock("flapped"), "2026-01-01T01:00:00.000Z");

    await tables.state.releaseLock("flap", "flapped", {});

    expect(await tables.state.get("flap")).toEqual({
      plan: "flap",
      lastWorkflowEndedAt: "2026-01-01T00:05:00.000Z",
    });
  });
});
