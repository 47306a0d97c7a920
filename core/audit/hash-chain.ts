import { createHash } from "node:crypto";
import type { AuditEntry, AuditRecord } from "../ports/audit.js";

/** The previous hash of a plan's first record. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * Each record's hash covers its content and its predecessor's hash, so changing or removing any record
 * breaks every link after it: tampering shows on the next `audit verify`.
 */
export function hashRecord(entry: AuditEntry, seq: number, prevHash: string): string {
  return createHash("sha256")
    .update(canonicalJson({ ...entry, seq, prevHash }))
    .digest("hex");
}

export function chainRecord(entry: AuditEntry, previous: AuditRecord | undefined): AuditRecord {
  const seq = previous ? previous.seq + 1 : 0;
  const prevHash = previous ? previous.hash : GENESIS_HASH;
  return { ...entry, seq, prevHash, hash: hashRecord(entry, seq, prevHash) };
}

/** JSON with object keys sorted at every level, so equal content always hashes equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
}
