import type { AuditRecord } from "../ports/audit.js";
import type { SignedDigest } from "../ports/digests.js";
import { keyFingerprint } from "./verify-digests.js";

export const EXPORT_FORMAT = "kirikae-audit-export";
export const MANIFEST_FILE = "manifest.json";
const SEQ_WIDTH = 12;

/** One region's part of an export, as the manifest lists it. */
export interface ExportedRegion {
  region: string;
  /** JSON Lines, one stored item a line, oldest first. */
  records: string;
  recordCount: number;
  /** The seq range exported (a slice with --from/--to need not start at 0). */
  firstSeq: number;
  lastSeq: number;
  /** One file per digest, as stored, oldest first. */
  digests: string[];
  publicKey: string;
  keyFingerprint: string;
  /** Records left out because no signed digest covers them yet: export again after the next digest. */
  notExported?: { fromSeq: number; toSeq: number; count: number };
}

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  version: 1;
  plan: string;
  exportedAt: string;
  from?: string;
  to?: string;
  regions: ExportedRegion[];
}

export interface RegionToExport {
  region: string;
  /** The region's whole chain of the plan, as `chain()` reads it (with the stored index keys). */
  chain: readonly AuditRecord[];
  digests: readonly SignedDigest[];
  publicKeyPem: string;
}

export interface TrailExport {
  manifest: ExportManifest;
  /** Relative path -> content, the manifest included. */
  files: Map<string, string>;
}

/**
 * Builds an export an auditor can verify with no AWS access: per region, the records exactly as the table
 * stores them (index keys included), every digest as stored, and the public key.
 *   1. only records up to the last digest's head are exported: anything after it is not yet provable,
 *      so a record beyond the last signed head in an export was added after it was made
 *   2. `from`/`to` cut a slice by time, extended to the next digest head after `to`, so the slice ends
 *      on a record a digest signed (otherwise its last records would prove nothing)
 */
export function buildTrailExport(input: {
  plan: string;
  exportedAt: string;
  from?: string;
  to?: string;
  regions: readonly RegionToExport[];
}): TrailExport {
  const files = new Map<string, string>();
  const regions: ExportedRegion[] = [];
  for (const part of input.regions) {
    const chain = [...part.chain].sort((a, b) => a.seq - b.seq);
    const heads = part.digests.map((signed) => signed.digest.headSeq).sort((a, b) => a - b);
    const signedHead = heads.at(-1) ?? -1;
    const inRange = chain.filter(
      (record) => (!input.from || record.at >= input.from) && (!input.to || record.at <= input.to),
    );
    const firstSeq = inRange[0]?.seq ?? 0;
    const wantedLast = inRange.at(-1)?.seq ?? -1;
    const lastSeq = Math.min(heads.find((head) => head >= wantedLast) ?? signedHead, signedHead);
    const exported =
      inRange.length === 0 ? [] : chain.filter((record) => record.seq >= firstSeq && record.seq <= lastSeq);
    const left = chain.filter((record) => record.seq > signedHead);
    const directory = part.region;
    const recordsFile = `${directory}/records.jsonl`;
    files.set(recordsFile, exported.map((record) => `${JSON.stringify(storedItem(record))}\n`).join(""));
    const digestFiles = part.digests.map((signed, index) => {
      const file = `${directory}/digests/${String(index + 1).padStart(4, "0")}-${signed.digest.digestAt.replaceAll(":", "-")}.json`;
      files.set(file, `${JSON.stringify(signed, null, 2)}\n`);
      return file;
    });
    const keyFile = `${directory}/public-key.pem`;
    files.set(keyFile, part.publicKeyPem.endsWith("\n") ? part.publicKeyPem : `${part.publicKeyPem}\n`);
    const firstLeft = left[0];
    const lastLeft = left.at(-1);
    regions.push({
      region: part.region,
      records: recordsFile,
      recordCount: exported.length,
      firstSeq: exported[0]?.seq ?? 0,
      lastSeq: exported.at(-1)?.seq ?? -1,
      digests: digestFiles,
      publicKey: keyFile,
      keyFingerprint: keyFingerprint(part.publicKeyPem),
      ...(firstLeft && lastLeft
        ? { notExported: { fromSeq: firstLeft.seq, toSeq: lastLeft.seq, count: left.length } }
        : {}),
    });
  }
  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    version: 1,
    plan: input.plan,
    exportedAt: input.exportedAt,
    ...(input.from ? { from: input.from } : {}),
    ...(input.to ? { to: input.to } : {}),
    regions,
  };
  files.set(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, files };
}

/** The item as the table stores it: sort key zero-padded, `day` beside the hashed content. */
export function storedItem(record: AuditRecord): Record<string, unknown> {
  const { indexed, ...content } = record;
  return {
    ...content,
    seq: indexed?.seqKey ?? String(record.seq).padStart(SEQ_WIDTH, "0"),
    day: indexed?.day ?? record.at.slice(0, 10),
  };
}

/** Reads a stored item back: the hashed content, and the index keys apart (they are outside the hash). */
export function recordOfItem(item: Record<string, unknown>): AuditRecord {
  const { day, seq, ...content } = item;
  return {
    ...(content as unknown as Omit<AuditRecord, "seq">),
    seq: Number(seq),
    indexed: {
      ...(typeof day === "string" ? { day } : {}),
      ...(typeof seq === "string" ? { seqKey: seq } : {}),
    },
  };
}
