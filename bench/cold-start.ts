/**
 * Benchmark (not a test): every function bundled exactly as deployed (infra/esbuild-bundler.ts), and what
 * a Lambda cold start of it costs, measured in fresh Node processes:
 *   - size: the bundle's bytes, and the AWS SDK clients (`@aws-sdk/client-*` packages) bundled in it,
 *     read from esbuild's metafile of the same build (bench/bundle-contents.ts)
 *   - init: the time a fresh process takes to import the bundle (module init, before the first invocation)
 *   - first invocation, in the same process right after: the bundle's own handler factory given its
 *     dependencies (built inside the invocation, as production builds them at cold start) and one event
 *     of the kind it is deployed for, its AWS calls answered by the sandbox as the function's own IAM role
 *     (bench/cold-start-harness.ts says exactly what is and is not inside the timing): the time until the
 *     first AWS call was answered, the whole invocation, the calls made and the modelled AWS time they took
 *   - baseline: importing the same handler unbundled from source.
 * Medians over the runs. Aims: under 300 KB and under 150 ms of init each. Handler files that do not exist
 * yet are reported by name. The figures are wall-clock time on this machine: its load moves them.
 * Run with `npm run bench:cold [-- --runs N]`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { entryOf, esbuildBundler } from "../infra/esbuild-bundler.js";
import { allFunctions } from "../infra/function-catalog.js";
import { bundleContents } from "./bundle-contents.js";
import { COLD_START_PLAN, type FirstInvocation } from "./cold-start-harness.js";

const SIZE_AIM_KB = 300;
const IMPORT_AIM_MS = 150;
const RESULT_MARK = "@@kirikae-cold-start@@";
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const harnessUrl = pathToFileURL(join(root, "bench", "cold-start-harness.ts")).href;
const runsFlag = process.argv.indexOf("--runs");
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 3;

interface ColdRun extends FirstInvocation {
  initMs: number;
}

function node(args: string[], what: string): string {
  const child = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: "SILENT" },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`${what} failed: ${child.stderr.trim().split("\n")[0]}`);
  return child.stdout;
}

/** One fresh process importing `url`; the time is measured inside it, so Node's own boot is excluded. */
function importMs(url: string, loader: string[] = []): number {
  const script = `const t=performance.now();await import(${JSON.stringify(url)});process.stdout.write(String(performance.now()-t));`;
  return Number(node([...loader, "--input-type=module", "-e", script], `importing ${url}`));
}

/**
 * One fresh process: the bundle's import timed first, with nothing else loaded, then the TypeScript
 * loader registered and the harness loaded (untimed) to run the first invocation.
 */
function coldRun(bundleUrl: string, key: string): ColdRun {
  const script = [
    "const t=performance.now();",
    `const bundle=await import(${JSON.stringify(bundleUrl)});`,
    "const initMs=performance.now()-t;",
    'const {register}=await import("tsx/esm/api");',
    "register();",
    `const {firstInvocation}=await import(${JSON.stringify(harnessUrl)});`,
    `const result=await firstInvocation(${JSON.stringify(key)},bundle);`,
    `process.stdout.write("\\n${RESULT_MARK}"+JSON.stringify({initMs,...result})+"\\n");`,
    "process.exit(0);",
  ].join("");
  const stdout = node(["--input-type=module", "-e", script], `the first invocation of ${key}`);
  const line = stdout.split("\n").find((text) => text.startsWith(RESULT_MARK));
  if (!line) throw new Error(`the first invocation of ${key} printed no result`);
  return JSON.parse(line.slice(RESULT_MARK.length)) as ColdRun;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const bundle = esbuildBundler(root);
const present = allFunctions().filter((spec) => existsSync(join(root, entryOf(spec.handler).file)));
const contents = await bundleContents(root)(present.map((spec) => spec.handler));
const out = await mkdtemp(join(tmpdir(), "kirikae-cold-"));
const missing: string[] = [];
const failed: string[] = [];
const rows: string[][] = [];
const otherPlans: string[] = [];
let allWithinAims = true;
const loadBefore = loadavg()[0] ?? 0;
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
    const cold: ColdRun[] = [];
    const unbundled: number[] = [];
    try {
      // Fills tsx's transpile cache, so the baseline and the harness measure Node loading modules.
      importMs(sourceUrl, ["--import", "tsx"]);
      // Alternate the two so drift in the machine's load affects both alike.
      for (let run = 0; run < runs; run++) {
        cold.push(coldRun(bundledUrl, spec.key));
        unbundled.push(importMs(sourceUrl, ["--import", "tsx"]));
      }
    } catch (error) {
      failed.push(`${spec.key}: ${(error as Error).message}`);
      continue;
    }
    const sizeKb = bytes / 1024;
    const initMs = median(cold.map((run) => run.initMs));
    const firstCalls = cold.flatMap((run) => (run.firstCallMs === null ? [] : [run.firstCallMs]));
    const toFirstAnswer = cold.flatMap((run) =>
      run.firstCallMs === null ? [] : [run.initMs + run.firstCallMs],
    );
    const over = [sizeKb >= SIZE_AIM_KB ? "size" : "", initMs >= IMPORT_AIM_MS ? "init" : ""].filter(Boolean);
    allWithinAims &&= over.length === 0;
    const [first] = cold;
    if (first?.plan && first.plan !== COLD_START_PLAN) otherPlans.push(`${spec.key}: ${first.plan}`);
    const sdkClients = contents.get(spec.handler)?.sdkClients ?? [];
    rows.push([
      spec.key,
      sizeKb.toFixed(0),
      String(sdkClients.length),
      initMs.toFixed(0),
      firstCalls.length > 0 ? median(firstCalls).toFixed(0) : "-",
      toFirstAnswer.length > 0 ? median(toFirstAnswer).toFixed(0) : "-",
      median(cold.map((run) => run.invocationMs)).toFixed(0),
      String(first?.awsCalls ?? 0),
      median(cold.map((run) => run.modelledMs)).toFixed(0),
      first?.firstCall ?? "-",
      first?.outcome ?? "-",
      median(unbundled).toFixed(0),
      over.join(", ") || "-",
      sdkClients.map((name) => name.replace("@aws-sdk/client-", "")).join(" "),
    ]);
  }
} finally {
  await rm(out, { recursive: true, force: true });
}

const header = [
  "function",
  "size KB",
  "SDK clients",
  "init ms",
  "1st call ms",
  "init+1st call ms",
  "invocation ms",
  "calls",
  "modelled ms",
  "first AWS call",
  "outcome",
  "unbundled ms",
  "over aim",
  "which SDK clients",
];
const widths = header.map((title, column) =>
  Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
);
const textColumns = new Set([0, 9, 10, 13]);
const line = (cells: string[]) =>
  cells
    .map((cell, column) =>
      textColumns.has(column) ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
    )
    .join("  ");
console.log(
  `Cold start, median of ${runs} fresh Node ${process.version} processes per function; first invocation for ${COLD_START_PLAN} against the sandbox; aims: < ${SIZE_AIM_KB} KB, < ${IMPORT_AIM_MS} ms init`,
);
console.log(
  "1st call ms: from the invocation's start until its first AWS call was answered; init+1st call ms: their sum in each run, then the median; modelled ms: the invocation's AWS time on the virtual clock",
);
console.log(line(header));
for (const row of rows) console.log(line(row));
console.log(
  `\nLoad average (1 min) on this machine: ${loadBefore.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end`,
);
if (otherPlans.length > 0)
  console.log(`Run for another example plan (no block of its kind in the default): ${otherPlans.join(", ")}`);
if (missing.length > 0) console.log(`Not bundled, handler file missing: ${missing.join(", ")}`);
if (failed.length > 0) console.log(`Not measured:\n  ${failed.join("\n  ")}`);
console.log(
  allWithinAims
    ? "Every bundled function is within the aims."
    : "Some functions are over an aim (see above).",
);
