/**
 * Benchmark (not a test): how a drill scales with the size of the plan. Run with `npm run bench:scale`
 * (`-- --json` for one JSON document, `-- --sizes 1,50` and `-- --traffic gates` to run fewer).
 *
 * Each size N is the fleet plan of examples/generate-fleet-plan.ts with N records in one zone and N
 * nodegroups per region (over ceil(N/30) EKS clusters), drilled through region-outage without a failback:
 * with gates (the example's mode) at every size, and with weighted records edited through Route 53's API,
 * where all N records are in the switch's change batch, at the smallest and largest sizes
 * (`-- --record-edit-sizes 1,50,100,200` for all). Per size it prints:
 * - modelled: the "Switch traffic" step of the failover (from the drill's own step records) and its ratio to
 *   the one-record plan's; the slowest "Scale up" block; the change batches and nodegroup updates made;
 * - measured: CPU (user + system) of the drill, peak heap used and peak RSS above what the process held
 *   before it, and real seconds. Each drill runs in a process of its own, so no size inherits another's
 *   peak or warm caches; two run at once (`-- --jobs 1` for one), which leaves CPU and memory, counted
 *   per process, as they are, and makes real seconds those of a shared machine. All ratios are between
 *   sizes measured in the same run.
 *
 * Linear growth shows as a constant marginal cost: (cost at N - cost at 1) / (N - 1), the per-unit slope,
 * should be about the same at every N, so the ratio of the largest slope to the smallest stays near 1
 * (a cost quadratic in N would make it about 4 between N = 50 and N = 200).
 */
import { fork } from "node:child_process";
import { resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type FleetTraffic, parsedFleetPlan } from "../examples/generate-fleet-plan.js";
import { type DrillResult, runDrill } from "../sandbox/drill/run-drill.js";
import { findScenario } from "../sandbox/drill/scenarios.js";

export const DEFAULT_SIZES = [1, 50, 100, 200] as const;
export const TRAFFIC_MODES: readonly FleetTraffic[] = ["gates", "record-edits"];
const SCENARIO = "region-outage";
const SWITCH_STEP = "Switch traffic";
const MB = 1024 * 1024;

/** One drill of one size, as its own process measured it. */
export interface ScaleRun {
  traffic: FleetTraffic;
  size: number;
  /** Modelled: the failover's "Switch traffic" step, first start to last end. */
  switchSeconds: number;
  /** Modelled: the slowest "Scale up" block of the failover. */
  scaleUpSeconds: number;
  changeBatches: number;
  nodegroupUpdates: number;
  ok: boolean;
  /** Invariants that did not hold, and calls IAM refused: empty in a clean drill. */
  failed: string[];
  cpuMs: number;
  peakHeapDeltaMb: number;
  peakRssDeltaMb: number;
  realSeconds: number;
}

/** A run set against the one-unit run of its mode. */
export interface ScaleRow extends ScaleRun {
  /** switchSeconds over the smallest size's. */
  switchRatio: number;
  cpuMsPerUnit: number;
  /** (cpuMs - cpuMs at the smallest size) / (size - smallest size); null at the smallest size. */
  cpuMsSlope: number | null;
  heapMbSlope: number | null;
  rssMbSlope: number | null;
}

export interface ScaleSummary {
  traffic: FleetTraffic;
  /** The largest size's switch over the smallest's. */
  switchRatio: number;
  /** Largest over smallest per-unit slope: about 1 when cost grows linearly. */
  cpuSlopeRatio: number | null;
  heapSlopeRatio: number | null;
  rssSlopeRatio: number | null;
}

/** Drills the fleet plan of `size` in this process and measures it. */
export async function measureDrill(size: number, traffic: FleetTraffic): Promise<ScaleRun> {
  const scenario = findScenario(SCENARIO);
  if (!scenario) throw new Error(`no scenario ${SCENARIO}`);
  const plan = parsedFleetPlan(size, traffic);
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  let peakHeap = heapBefore;
  // The drill yields to the event loop (its local DynamoDB answers over a socket), so a sampler runs.
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 10);
  const cpuBefore = process.cpuUsage();
  const realStart = performance.now();
  const result = await runDrill({ plan, scenario });
  const realSeconds = (performance.now() - realStart) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  // maxRSS is the process's peak, in KiB: the drill's, since nothing before it held more.
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const failover = result.workflows.find((workflow) => workflow.kind === "failover");
  const steps = failover?.steps ?? [];
  return {
    traffic,
    size,
    switchSeconds: spanSeconds(steps.filter((step) => step.name === SWITCH_STEP)),
    scaleUpSeconds: Math.max(
      0,
      ...steps.filter((step) => step.name.startsWith("Scale up")).map((step) => spanSeconds([step])),
    ),
    changeBatches: result.mutations.ChangeResourceRecordSets ?? 0,
    nodegroupUpdates: result.mutations.UpdateNodegroupConfig ?? 0,
    ok: result.ok,
    failed: failures(result),
    cpuMs: round((cpu.user + cpu.system) / 1000),
    peakHeapDeltaMb: round((peakHeap - heapBefore) / MB),
    peakRssDeltaMb: round(Math.max(0, peakRss - rssBefore) / MB),
    realSeconds: round(realSeconds),
  };
}

/** First start to last end of the named spans, in seconds; 0 when there are none. */
function spanSeconds(steps: readonly { startedAt: string; endedAt: string }[]): number {
  if (steps.length === 0) return 0;
  const start = Math.min(...steps.map((step) => Date.parse(step.startedAt)));
  const end = Math.max(...steps.map((step) => Date.parse(step.endedAt)));
  return round((end - start) / 1000);
}

function failures(result: DrillResult): string[] {
  return [
    ...Object.entries(result.invariants)
      .filter(([, held]) => !held)
      .map(([name]) => name),
    ...result.accessDenied.map((denial) => `AccessDenied: ${denial}`),
  ];
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Runs one measurement in a fresh process (with this file's loader and --expose-gc). */
function measureInChild(size: number, traffic: FleetTraffic): Promise<ScaleRun> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["--child", String(size), traffic], {
      execArgv: [...process.execArgv, "--expose-gc"],
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: "SILENT" },
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    let run: ScaleRun | undefined;
    child.on("message", (message) => {
      run = message as ScaleRun;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      run ? resolve(run) : reject(new Error(`the drill of ${size} (${traffic}) exited with ${code}`)),
    );
  });
}

/** Sets each run against the smallest run of its mode. */
export function compare(runs: readonly ScaleRun[]): { rows: ScaleRow[]; summaries: ScaleSummary[] } {
  const rows: ScaleRow[] = [];
  const summaries: ScaleSummary[] = [];
  for (const traffic of TRAFFIC_MODES) {
    const ofMode = runs.filter((run) => run.traffic === traffic).sort((a, b) => a.size - b.size);
    const [base] = ofMode;
    const last = ofMode.at(-1);
    if (!base || !last) continue;
    const slope = (value: number, baseValue: number, size: number) =>
      size === base.size ? null : round((value - baseValue) / (size - base.size), 4);
    const modeRows = ofMode.map(
      (run): ScaleRow => ({
        ...run,
        switchRatio: round(run.switchSeconds / base.switchSeconds, 3),
        cpuMsPerUnit: round(run.cpuMs / run.size),
        cpuMsSlope: slope(run.cpuMs, base.cpuMs, run.size),
        heapMbSlope: slope(run.peakHeapDeltaMb, base.peakHeapDeltaMb, run.size),
        rssMbSlope: slope(run.peakRssDeltaMb, base.peakRssDeltaMb, run.size),
      }),
    );
    rows.push(...modeRows);
    const ratio = (pick: (row: ScaleRow) => number | null) => {
      const slopes = modeRows.map(pick).filter((value): value is number => value !== null && value > 0);
      return slopes.length < 2 ? null : round(Math.max(...slopes) / Math.min(...slopes), 2);
    };
    summaries.push({
      traffic,
      switchRatio: round(last.switchSeconds / base.switchSeconds, 3),
      cpuSlopeRatio: ratio((row) => row.cpuMsSlope),
      heapSlopeRatio: ratio((row) => row.heapMbSlope),
      rssSlopeRatio: ratio((row) => row.rssMbSlope),
    });
  }
  return { rows, summaries };
}

export function renderTable(rows: readonly ScaleRow[]): string {
  const header = [
    "traffic",
    "N",
    "switch (modelled)",
    "/ N=1",
    "scale-up (modelled)",
    "batches",
    "ng updates",
    "CPU ms",
    "CPU ms/N",
    "CPU ms slope",
    "peak heap Δ MB",
    "heap MB slope",
    "peak RSS Δ MB",
    "RSS MB slope",
    "real s",
    "drill",
  ];
  const cells = rows.map((row) => [
    row.traffic,
    String(row.size),
    `${row.switchSeconds.toFixed(1)} s`,
    row.switchRatio.toFixed(3),
    `${row.scaleUpSeconds.toFixed(1)} s`,
    String(row.changeBatches),
    String(row.nodegroupUpdates),
    row.cpuMs.toFixed(0),
    row.cpuMsPerUnit.toFixed(1),
    row.cpuMsSlope === null ? "-" : row.cpuMsSlope.toFixed(1),
    row.peakHeapDeltaMb.toFixed(1),
    row.heapMbSlope === null ? "-" : row.heapMbSlope.toFixed(3),
    row.peakRssDeltaMb.toFixed(1),
    row.rssMbSlope === null ? "-" : row.rssMbSlope.toFixed(3),
    row.realSeconds.toFixed(1),
    row.ok ? "ok" : `✗ ${row.failed.join(", ") || "outcome"}`,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => (row[column] ?? "").length)),
  );
  const line = (values: readonly string[]) =>
    `| ${values.map((value, column) => value.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...cells.map(line)].join("\n");
}

function renderSummaries(summaries: readonly ScaleSummary[]): string {
  const ratio = (value: number | null) => (value === null ? "n/a" : value.toFixed(2));
  return summaries
    .map(
      (summary) =>
        `${summary.traffic}: switch at the largest size / at the smallest ${summary.switchRatio.toFixed(3)}; ` +
        `largest / smallest per-unit slope: CPU ${ratio(summary.cpuSlopeRatio)}, heap ${ratio(summary.heapSlopeRatio)}, RSS ${ratio(summary.rssSlopeRatio)}`,
    )
    .join("\n");
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      child: { type: "boolean", default: false },
      sizes: { type: "string" },
      traffic: { type: "string" },
      "record-edit-sizes": { type: "string" },
      // Two drills at once fit two cores; each measures its own process's CPU and memory.
      jobs: { type: "string", default: "2" },
    },
  });
  if (values.child) {
    const [size, traffic] = positionals;
    const run = await measureDrill(Number(size), traffic as FleetTraffic);
    // Exit once the parent has the figures: nothing the drill left open may keep the child alive.
    process.send?.(run, () => process.exit(0));
    return;
  }
  const sizes = values.sizes ? values.sizes.split(",").map(Number) : [...DEFAULT_SIZES];
  const editSizes = values["record-edit-sizes"]
    ? values["record-edit-sizes"].split(",").map(Number)
    : [Math.min(...sizes), Math.max(...sizes)];
  const modes = values.traffic ? [values.traffic as FleetTraffic] : TRAFFIC_MODES;
  const jobs = modes.flatMap((traffic) =>
    (traffic === "gates" ? sizes : editSizes).map((size) => ({ traffic, size })),
  );
  const realStart = performance.now();
  const runs = await inTurn(jobs, Number(values.jobs), ({ traffic, size }) => {
    if (!values.json) process.stderr.write(`drilling N=${size} (${traffic})...\n`);
    return measureInChild(size, traffic);
  });
  const { rows, summaries } = compare(runs);
  const totalSeconds = round((performance.now() - realStart) / 1000);
  if (values.json) {
    console.log(JSON.stringify({ scenario: SCENARIO, rows, summaries, totalSeconds }, null, 2));
    return;
  }
  console.log(
    `Drill scale: ${SCENARIO} (no failback) of the fleet plan with N records and N nodegroups per region\n`,
  );
  console.log(renderTable(rows));
  console.log(`\n${renderSummaries(summaries)}`);
  console.log(`\n${totalSeconds.toFixed(1)} s in all`);
}

/** `work` over `items`, at most `limit` at a time, results in the items' order. */
async function inTurn<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolvePath(process.argv[1])) {
  await main();
}
