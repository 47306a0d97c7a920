import { describe, expect, it } from "vitest";
import { oneWriterConflicts } from "../../sandbox/drill/invariants.js";
import type { WriterInterval } from "../../sandbox/services/rds-write-history.js";

const TOKYO = "ap-northeast-1";
const SINGAPORE = "ap-southeast-1";
const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

/** Tokyo was primary until 100 s, Singapore from 145 s; Tokyo's old primary took writes 600-690 s. */
const writers: WriterInterval[] = [
  { clusterArn: "tokyo", region: TOKYO, role: "primary", from: at(0), until: at(100) },
  { clusterArn: "singapore", region: SINGAPORE, role: "primary", from: at(145) },
  { clusterArn: "tokyo", region: TOKYO, role: "stale", from: at(600), until: at(690) },
];

describe("oneWriter invariant", () => {
  it("holds when the returning old primary takes writes but no user reaches it", () => {
    const reached = [
      { from: at(0), regions: [TOKYO] },
      { from: at(50), regions: [] },
      { from: at(160), regions: [SINGAPORE] },
    ];

    expect(oneWriterConflicts(writers, reached)).toEqual([]);
  });

  it("fails when DNS sends users to the unfenced old primary", () => {
    const reached = [
      { from: at(0), regions: [TOKYO] },
      { from: at(160), regions: [SINGAPORE] },
      { from: at(620), regions: [TOKYO] },
    ];

    const conflicts = oneWriterConflicts(writers, reached);

    expect(conflicts[0]).toMatchObject({ at: at(620), regions: [TOKYO] });
    expect(conflicts[0]?.why).toContain("old primary still accepted writes");
  });

  it("fails when users reach two regions that both accept writes", () => {
    const reached = [{ from: at(0), regions: [TOKYO, SINGAPORE] }];

    const conflicts = oneWriterConflicts(writers, reached);

    expect(conflicts.map((conflict) => conflict.at)).toContainEqual(at(600));
  });

  it("fails when the history shows two primaries at once, whoever was reached", () => {
    const overlapping: WriterInterval[] = [
      { clusterArn: "tokyo", region: TOKYO, role: "primary", from: at(0) },
      { clusterArn: "singapore", region: SINGAPORE, role: "primary", from: at(145) },
    ];

    expect(oneWriterConflicts(overlapping, [])).toEqual([
      expect.objectContaining({ at: at(145), why: "2 clusters were the primary at once" }),
    ]);
  });
});
