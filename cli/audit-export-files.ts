import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { buildTrailExport, type RegionToExport, type TrailExport } from "../core/audit/export-trail.js";
import type { AuditReaderPort } from "../core/ports/audit.js";
import type { DigestAccess } from "./cli-aws.js";
import { CliUsageError } from "./usage-error.js";

/** One region's trail of a plan, where to read it: its audit table and its signed digests. */
export interface TrailSource {
  region: string;
  audit: Pick<AuditReaderPort, "chain">;
  digests: DigestAccess;
}

/** Reads each region's chain, digests and public key, and writes the export into `directory`. */
export async function exportTrail(
  directory: string,
  request: { plan: string; exportedAt: string; from?: string; to?: string; sources: readonly TrailSource[] },
): Promise<TrailExport> {
  const regions: RegionToExport[] = [];
  for (const source of request.sources) {
    regions.push({
      region: source.region,
      chain: await source.audit.chain(request.plan),
      digests: await source.digests.store.list(request.plan, source.region),
      publicKeyPem: await source.digests.publicKey(),
    });
  }
  const built = buildTrailExport({
    plan: request.plan,
    exportedAt: request.exportedAt,
    ...(request.from ? { from: request.from } : {}),
    ...(request.to ? { to: request.to } : {}),
    regions,
  });
  for (const [file, content] of built.files) {
    const path = join(directory, ...file.split("/"));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
  return built;
}

/** Every file under an export directory, by its path relative to it ("/"-separated). */
export async function readExportFiles(directory: string): Promise<Map<string, string>> {
  let entries: string[];
  try {
    entries = (await readdir(directory, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
  } catch (error) {
    throw new CliUsageError(
      `cannot read ${directory}: ${(error as Error).message}`,
      "pass the directory `kirikae audit export --out` or `kirikae drill --audit-out` wrote",
    );
  }
  const files = new Map<string, string>();
  for (const path of entries)
    files.set(relative(directory, path).split(sep).join("/"), await readFile(path, "utf8"));
  return files;
}
