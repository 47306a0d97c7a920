/**
 * Benchmark (not a test): every function bundled exactly as deployed (infra/esbuild-bundler.ts), its
 * size, and the median time a fresh Node process takes to import it (what a Lambda cold start pays before
 * the first invocation), next to importing the same handler unbundled from source as the baseline.
 * Aims: under 300 KB and under 150 ms each. Handler files that do not exist yet are reported by name.
 * Run with `npm run bench:cold [-- --runs N]`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { entryOf, esbuildBundler } from "../infra/esbuild-bundler.js";
import { allFunctions } from "../infra/function-catalog.js";

const SIZE_AIM_KB = 300;
const IMPORT_AIM_MS = 150;
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const runsFlag = process.argv.indexOf("--runs");
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 7;

/** One fresh process importing `url`; the time is measured inside it, so Node's own boot is excluded. */
function importMs(url: string, loader: string[] = []): number {
  const script = `const t=performance.now();await import(${JSON.stringify(url)});process.stdout.write(String(performance.now()-t));`;
  const child = spawnSync(process.execPath, [...loader, "--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: "SILENT" },
  });
  if (child.status !== 0) throw new Error(`importing ${url} failed: ${child.stderr.trim().split("\n")[0]}`);
  return Number(child.stdout);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const bundle = esbuildBundler(root);
const out = await mkdtemp(join(tmpdir(), "kirikae-cold-"));
const missing: string[] = [];
const rows: string[][] = [];
let allWithinAims = true;
try {
  for (const spec of allFunctions()) {
    const source = join(root, entryOf(spec.handler).file);
    if (!existsSync(source)) {
      missing.push(`${spec.key} (${entryOf(spec.handler).file})`);
      continue;
    }
    const built = await bundle(spec.handler);
    const dir = join(out, spec.key);
    await mkdir(dir);
    let bytes = 0;
    for (const [file, contents] of Object.entries(built.files)) {
      await writeFile(join(dir, file), contents);
      bytes += Buffer.byteLength(contents);
    }
    const entry = Object.keys(built.files).find((file) => file.endsWith(".mjs")) ?? "index.mjs";
    const bundledUrl = pathToFileURL(join(dir, entry)).href;
    const sourceUrl = pathToFileURL(source).href;
    const bundled: number[] = [];
    const unbundled: number[] = [];
    // Alternate the two so drift in the machine's load affects both alike.
    importMs(sourceUrl, ["--import", "tsx"]); // fills tsx's transpile cache: the baseline is Node loading modules
    for (let run = 0; run < runs; run++) {
      bundled.push(importMs(bundledUrl));
      unbundled.push(importMs(sourceUrl, ["--import", "tsx"]));
    }
    const sizeKb = bytes / 1024;
    const coldMs = median(bundled);
    const baselineMs = median(unbundled);
    const over = [sizeKb >= SIZE_AIM_KB ? "size" : "", coldMs >= IMPORT_AIM_MS ? "time" : ""].filter(Boolean);
    allWithinAims &&= over.length === 0;
    rows.push([
      spec.key,
      sizeKb.toFixed(0),
      coldMs.toFixed(0),
      baselineMs.toFixed(0),
      (coldMs / baselineMs).toFixed(2),
      over.join(", ") || "-",
    ]);
  }
} finally {
  await rm(out, { recursive: true, force: true });
}

const header = ["function", "size KB", "cold import ms", "unbundled ms", "ratio", "over aim"];
const widths = header.map((title, column) =>
  Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
);
const line = (cells: string[]) =>
  cells
    .map((cell, column) =>
      column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
    )
    .join("  ");
console.log(
  `Cold import, median of ${runs} fresh Node ${process.version} processes; aims: < ${SIZE_AIM_KB} KB, < ${IMPORT_AIM_MS} ms`,
);
console.log(line(header));
for (const row of rows) console.log(line(row));
if (missing.length > 0) console.log(`\nNot bundled, handler file missing: ${missing.join(", ")}`);
console.log(
  allWithinAims
    ? "\nEvery bundled function is within the aims."
    : "\nSome functions are over an aim (see above).",
);
