import { describe, expect, it } from "vitest";
import { canonicalJson, chainRecord } from "../../core/audit/hash-chain.js";
import { verifyChain } from "../../core/audit/verify-chain.js";
import type { AuditEntry, AuditRecord } from "../../core/ports/audit.js";

function entry(action: string): AuditEntry {
  return {
    plan: "shop",
    executionId: "exec-1",
    kind: "decision",
    action,
    actor: "lambda:kirikae-detect-alarm",
    at: "2026-01-01T00:00:00.000Z",
    details: { reason: action },
  };
}

function chainOf(actions: string[]): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (const action of actions) records.push(chainRecord(entry(action), records.at(-1)));
  return records;
}

describe("audit hash chain", () => {
  it("verifies an untouched chain", () => {
    expect(verifyChain(chainOf(["a", "b", "c"]))).toEqual([]);
  });

  it("names a record whose content was changed", () => {
    const records = chainOf(["a", "b", "c"]);
    const changed = records.map((record) =>
      record.seq === 1 ? { ...record, details: { reason: "edited" } } : record,
    );

    expect(verifyChain(changed)).toEqual([{ seq: 1, problem: expect.stringContaining("was changed") }]);
  });

  it("names a record that was removed", () => {
    const records = chainOf(["a", "b", "c", "d"]).filter((record) => record.seq !== 2);

    expect(verifyChain(records)).toEqual([{ seq: 2, problem: "record 2 is missing" }]);
  });

  it("detects a rewritten record whose hash was recomputed, by the broken link after it", () => {
    const records = chainOf(["a", "b", "c"]);
    const forged = chainRecord(entry("forged"), records[0]);
    const tampered = [records[0], forged, records[2]].filter(
      (record): record is AuditRecord => record !== undefined,
    );

    expect(verifyChain(tampered)).toEqual([{ seq: 2, problem: expect.stringContaining("link") }]);
  });

  it("hashes content independently of key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
  });
});
