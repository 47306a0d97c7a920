/**
 * Benchmark (not a test): recovery time as users feel it, for the region-outage and degraded-primary
 * scenarios on every example plan. Run with `npm run bench:rto` (`-- --json` for one JSON document,
 * `-- --latencies FILE` to replay an account's own latencies, `-- PLAN...` for other plans).
 *
 * Measured, in the sandbox's drill: the user-visible RTO (outage start to the last DNS answer reaching the
 * writer region at capacity, plus the TTL) and the recovery RTO (alarm to the same moment), both read from
 * DNS answers rather than from kirikae's own records. Computed, from the latency table and the plan and never
 * from the run (sandbox/critical-path.ts): the sequential runbook a person would follow, and the floor of
 * unavoidable AWS waits. The ratios set one measurement against one computation.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadPlanFile } from "../core/plan/load-plan-file.js";
import {
  floorPath,
  formatCriticalPath,
  modelledTimings,
  sequentialRunbookPath,
} from "../sandbox/critical-path.js";
import { type DrillStep, runDrill } from "../sandbox/drill/run-drill.js";
import { findScenario } from "../sandbox/drill/scenarios.js";
import { loadLatencies, resolveLatencies } from "../sandbox/latencies.js";
import { benchFleet, renderFleet } from "./fleet-rto.js";

export interface RtoRun {
  plan: string;
  planFile: string;
  scenario: string;
  mode: "switchover" | "failover";
  /** Measured: outage start to the last DNS answer at the writer region at capacity, plus the TTL. */
  userVisibleRtoSeconds: number;
  /** Measured: the alarm to the same moment. */
  recoveryRtoSeconds: number;
  /** Measured: outage start to the alarm. */
  detectionSeconds: number;
  /** Measured: the alarm to kirikae's own verification. */
  verifiedRtoSeconds: number | null;
  /** Computed: promote, then scale, then switch traffic, each waited for, after the same detection and hold. */
  sequentialSeconds: number;
  sequentialPath: string;
  /** Computed: detection, max(promotion, capacity), propagation, TTL. */
  floorSeconds: number;
  floorPath: string;
  /** sequential / kirikae (user-visible): how much faster kirikae is than the runbook it replaces. */
  sequentialOverKirikae: number;
  /** kirikae (user-visible) / floor: what kirikae adds to the waits no one can avoid. */
  kirikaeOverFloor: number;
  /**
   * Measured: how long the run waited on a person (an approval, a data-loss question). The plan chose to
   * ask; the sequential runbook and the floor leave people out, so this explains a ratio below 1.
   */
  peopleSeconds: number;
  /** Real time the modelled drill took to replay. */
  realSeconds: number;
}

export const BENCH_SCENARIOS = [
  ["region-outage", "failover"],
  ["degraded-primary", "switchover"],
] as const;

/** Every example plan but the one that is broken on purpose, JSON and TypeScript alike. */
export async function examplePlanFiles(directory = "examples"): Promise<string[]> {
  const names = await readdir(directory);
  return names
    .filter((name) => /\.plan\.(json|ts)$/.test(name) && name !== "broken.plan.json")
    .sort()
    .map((name) => join(directory, name));
}

/** Drills one plan through both scenarios and sets the measurements against the computed paths. */
export async function benchPlan(planFile: string, latencyFile?: string): Promise<RtoRun[]> {
  const plan = await loadPlanFile(planFile);
  const latencies = latencyFile ? await loadLatencies(latencyFile) : {};
  const timings = modelledTimings(resolveLatencies(latencies));
  const runs: RtoRun[] = [];
  for (const [scenarioName, mode] of BENCH_SCENARIOS) {
    const scenario = findScenario(scenarioName);
    if (!scenario) throw new Error(`no scenario ${scenarioName}`);
    const realStart = performance.now();
    const result = await runDrill({ plan, scenario, latencies });
    const realSeconds = (performance.now() - realStart) / 1000;
    const workflow = result.workflows.find((candidate) => candidate.kind === "failover");
    if (
      !result.ok ||
      !workflow ||
      workflow.userVisibleRtoSeconds === null ||
      workflow.recoverySeconds === null
    )
      throw new Error(`the ${scenarioName} drill of ${planFile} did not succeed; nothing to measure`);
    const sequential = sequentialRunbookPath(plan, mode, timings);
    const floor = floorPath(plan, mode, timings);
    runs.push({
      plan: plan.name,
      planFile,
      scenario: scenarioName,
      mode,
      userVisibleRtoSeconds: workflow.userVisibleRtoSeconds,
      recoveryRtoSeconds: workflow.recoverySeconds,
      detectionSeconds: workflow.detectionSeconds,
      verifiedRtoSeconds: workflow.verifiedRtoSeconds,
      sequentialSeconds: sequential.seconds,
      sequentialPath: formatCriticalPath(sequential),
      floorSeconds: floor.seconds,
      floorPath: formatCriticalPath(floor),
      sequentialOverKirikae: round(sequential.seconds / workflow.userVisibleRtoSeconds),
      kirikaeOverFloor: round(workflow.userVisibleRtoSeconds / floor.seconds),
      peopleSeconds: round(secondsWaitingOnPeople(workflow.steps)),
      realSeconds: round(realSeconds),
    });
  }
  return runs;
}

export function renderTable(runs: readonly RtoRun[]): string {
  const header = [
    "plan (file)",
    "scenario",
    "user-visible (measured)",
    "recovery (measured)",
    "sequential (computed)",
    "floor (computed)",
    "sequential / kirikae",
    "kirikae / floor",
    "waiting on people",
  ];
  const rows = runs.map((run) => [
    `${run.plan} (${run.planFile})`,
    run.scenario,
    `${seconds(run.userVisibleRtoSeconds)}`,
    `${seconds(run.recoveryRtoSeconds)}`,
    `${seconds(run.sequentialSeconds)}`,
    `${seconds(run.floorSeconds)}`,
    run.sequentialOverKirikae.toFixed(2),
    run.kirikaeOverFloor.toFixed(2),
    run.peopleSeconds > 0 ? seconds(run.peopleSeconds) : "-",
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

function explain(runs: readonly RtoRun[]): string {
  const paths = new Map<string, { sequential: string; floor: string }>();
  for (const run of runs)
    paths.set(`${run.planFile} ${run.scenario}`, { sequential: run.sequentialPath, floor: run.floorPath });
  const lines = ["", "Computed from the latency table and the plan (not from the runs):"];
  for (const [key, path] of paths) {
    lines.push(
      `  ${key}`,
      `    sequential runbook: ${path.sequential}`,
      `    floor:              ${path.floor}`,
    );
  }
  lines.push(
    "",
    "Measured in the sandbox: user-visible = outage start to the last DNS answer reaching the writer region",
    "at capacity, plus the TTL; recovery = the alarm to that answer. Aims (issue 15): user-visible <= 240 s",
    "for the default example's region-outage, sequential / kirikae >= 1.5, kirikae / floor <= 1.10.",
  );
  return lines.join("\n");
}

/** The steps that pause for a person's answer: "Await approval", "Await data-loss approval", "Approve <block>". */
function secondsWaitingOnPeople(steps: readonly DrillStep[]): number {
  return steps
    .filter((step) => step.name.startsWith("Await ") || step.name.startsWith("Approve "))
    .reduce((sum, step) => sum + (Date.parse(step.endedAt) - Date.parse(step.startedAt)) / 1000, 0);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function seconds(value: number): string {
  return `${value.toFixed(1)} s`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      latencies: { type: "string" },
      json: { type: "boolean", default: false },
      // The fleet's region outage (bench/fleet-rto.ts): 20 plans by default, 0 to leave it out.
      fleet: { type: "string", default: "20" },
    },
  });
  const fleetPlans = Number(values.fleet);
  if (!(Number.isInteger(fleetPlans) && fleetPlans >= 0))
    throw new Error("--fleet takes a whole number of plans, 0 to leave the fleet out");
  const files = positionals.length > 0 ? positionals : await examplePlanFiles();
  const runs: RtoRun[] = [];
  for (const file of files) {
    const planRuns = await benchPlan(file, values.latencies);
    runs.push(...planRuns);
    if (!values.json)
      for (const run of planRuns) process.stderr.write(`  measured ${run.planFile} ${run.scenario}\n`);
  }
  const latencies = values.latencies ? await loadLatencies(values.latencies) : undefined;
  if (!values.json && fleetPlans > 0)
    process.stderr.write(`  measuring a region outage across ${fleetPlans} generated plans\n`);
  const fleet =
    fleetPlans > 0 ? await benchFleet({ plans: fleetPlans, ...(latencies ? { latencies } : {}) }) : undefined;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ runs, ...(fleet ? { fleet } : {}) }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${renderTable(runs)}\n${explain(runs)}\n`);
  if (fleet) process.stdout.write(`\n${renderFleet(fleet)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
