import { describe, expect, it } from "vitest";
import { changesFor } from "../../core/failover/switch-traffic.js";
import type { RecordSet } from "../../core/ports/dns.js";
import { testPlan } from "../support/plan-fixtures.js";

const failoverPlan = testPlan();
const weightedPlan = testPlan((input) => {
  input.dns.routing = "weighted";
});

function current(plan: typeof failoverPlan, activeRegion: string): RecordSet[] {
  const [record] = plan.dns.records;
  if (!record) throw new Error("fixture has a record");
  return plan.regions.map((region) => {
    const target = record.targets[region];
    return {
      name: `${record.name}.`,
      type: record.type,
      setIdentifier: target?.setIdentifier ?? "",
      ttl: record.ttlSeconds,
      values: [target?.value ?? ""],
      ...(target?.healthCheckId ? { healthCheckId: target.healthCheckId } : {}),
      ...(plan.dns.routing === "failover"
        ? { failover: region === activeRegion ? ("PRIMARY" as const) : ("SECONDARY" as const) }
        : { weight: region === activeRegion ? plan.dns.activeWeight : 0 }),
    };
  });
}

describe("DNS changes for a switch", () => {
  it("swaps PRIMARY and SECONDARY of failover records in one batch", () => {
    const [record] = failoverPlan.dns.records;
    if (!record) throw new Error("fixture has a record");

    const changes = changesFor(
      failoverPlan,
      record,
      "ap-southeast-1",
      current(failoverPlan, "ap-northeast-1"),
    );

    expect(
      changes.map((change) => [change.action, change.record.setIdentifier, change.record.failover]),
    ).toEqual([
      ["UPSERT", "tokyo", "SECONDARY"],
      ["UPSERT", "singapore", "PRIMARY"],
    ]);
  });

  it("gives the target region the plan's weight and the other region 0", () => {
    const [record] = weightedPlan.dns.records;
    if (!record) throw new Error("fixture has a record");

    const changes = changesFor(
      weightedPlan,
      record,
      "ap-southeast-1",
      current(weightedPlan, "ap-northeast-1"),
    );

    expect(changes.map((change) => [change.record.setIdentifier, change.record.weight])).toEqual([
      ["tokyo", 0],
      ["singapore", 100],
    ]);
  });

  it("changes nothing when Route 53 already routes to the target (a re-run is a no-op)", () => {
    const [record] = failoverPlan.dns.records;
    if (!record) throw new Error("fixture has a record");

    expect(
      changesFor(failoverPlan, record, "ap-southeast-1", current(failoverPlan, "ap-southeast-1")),
    ).toEqual([]);
  });
});
