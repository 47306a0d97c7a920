import { KirikaeError, type KirikaeErrorOptions } from "../errors.js";
import type { AuditRecord } from "../ports/audit.js";
import type { SignedDigest } from "../ports/digests.js";
import { EXPORT_FORMAT, type ExportManifest, MANIFEST_FILE, recordOfItem } from "./export-trail.js";
import {
  keyFingerprint,
  notCoveredProblem,
  type RegionVerification,
  type TrailFinding,
  verifyDigests,
} from "./verify-digests.js";

/** The directory is not a kirikae audit export at all: nothing to verify. */
export class AuditExportError extends KirikaeError {
  constructor(message: string, options: KirikaeErrorOptions = {}) {
    super(message, {
      action:
        "point --offline at a directory written by `kirikae audit export` or `kirikae drill --audit-out`",
      ...options,
    });
    this.name = "AuditExportError";
  }
}

export interface OfflineVerification {
  ok: boolean;
  plan: string;
  regions: Array<RegionVerification & { keyFingerprint: string }>;
  /** Every finding, records beyond the last signed head included: in an export, those fail too. */
  findings: TrailFinding[];
}

/**
 * `audit verify --offline`: checks an export with nothing but its files (and, when given, a public key the
 * auditor obtained apart from the export, since whoever can rewrite the export could re-sign it with a key
 * of their own and ship that key). The manifest only says where the files are; what they prove rests on
 * the digests' signatures. Records beyond the last signed head fail here: `audit export` never writes
 * them, so they were added afterwards.
 */
export function verifyTrailExport(
  files: ReadonlyMap<string, string>,
  options: { publicKeyPem?: string } = {},
): OfflineVerification {
  const manifest = readManifest(files);
  const regions: OfflineVerification["regions"] = [];
  const findings: TrailFinding[] = [];
  for (const part of manifest.regions) {
    const problem = (fileProblem: string, seq?: number): TrailFinding => ({
      plan: manifest.plan,
      region: part.region,
      kind: "missing",
      ...(seq === undefined ? {} : { seq }),
      problem: fileProblem,
      caughtBy: "signed digest",
    });
    const { records, malformed } = readRecords(files.get(part.records), part.records);
    findings.push(...malformed.map((line) => problem(line)));
    if (files.get(part.records) === undefined)
      findings.push(problem(`${part.records} is missing from the export`));
    const digests: SignedDigest[] = [];
    const listed = new Set(part.digests);
    const present = [...files.keys()].filter((file) => file.startsWith(`${part.region}/digests/`)).sort();
    for (const file of part.digests)
      if (!files.has(file)) findings.push(problem(`digest file ${file} is missing from the export`));
    for (const file of present) {
      try {
        digests.push(JSON.parse(files.get(file) ?? "") as SignedDigest);
      } catch {
        findings.push(problem(`digest file ${file} is not JSON`));
      }
      if (!listed.has(file))
        findings.push(problem(`digest file ${file} is not in the manifest: it was added`));
    }
    const publicKeyPem = options.publicKeyPem ?? files.get(part.publicKey);
    if (publicKeyPem === undefined) {
      throw new AuditExportError(
        `${part.publicKey} is missing from the export and no --public-key was given`,
      );
    }
    const verification = verifyDigests({
      plan: manifest.plan,
      region: part.region,
      records,
      digests,
      publicKeyPem,
      ...(part.firstSeq > 0 ? { startSeq: part.firstSeq } : {}),
    });
    findings.push(...verification.findings);
    if (verification.notCovered) {
      findings.push({
        plan: manifest.plan,
        region: part.region,
        kind: "not-covered",
        seq: verification.notCovered.fromSeq,
        problem: `${notCoveredProblem(verification.notCovered)}; an export holds only signed records, so they were added after it was written`,
        caughtBy: "signed digest",
      });
    }
    regions.push({ ...verification, keyFingerprint: keyFingerprint(publicKeyPem) });
  }
  return { ok: findings.length === 0, plan: manifest.plan, regions, findings };
}

function readManifest(files: ReadonlyMap<string, string>): ExportManifest {
  const text = files.get(MANIFEST_FILE);
  if (text === undefined) throw new AuditExportError(`there is no ${MANIFEST_FILE}`);
  let manifest: ExportManifest;
  try {
    manifest = JSON.parse(text) as ExportManifest;
  } catch (error) {
    throw new AuditExportError(`${MANIFEST_FILE} is not JSON`, { cause: error });
  }
  if (manifest.format !== EXPORT_FORMAT || manifest.version !== 1 || !Array.isArray(manifest.regions)) {
    throw new AuditExportError(`${MANIFEST_FILE} is not a version 1 ${EXPORT_FORMAT} manifest`);
  }
  return manifest;
}

function readRecords(
  text: string | undefined,
  file: string,
): { records: AuditRecord[]; malformed: string[] } {
  const records: AuditRecord[] = [];
  const malformed: string[] = [];
  for (const [index, line] of (text ?? "").split("\n").entries()) {
    if (line.trim() === "") continue;
    try {
      const record = recordOfItem(JSON.parse(line) as Record<string, unknown>);
      if (!Number.isInteger(record.seq)) throw new Error("no seq");
      records.push(record);
    } catch {
      malformed.push(`${file} line ${index + 1} is not a stored audit record`);
    }
  }
  return { records, malformed };
}
