/**
 * Benchmark (not a test): a region outage across a fleet of generated plans (issue 15). N plans cloned
 * from one template (default the quick start's), all active in its region with the same standby, fail
 * over at once in one account's sandbox, under the account's shared API limits. Measured: each plan's
 * user-visible RTO (read from DNS answers), the slowest against the same plan's drill alone, and what the
 * shared limits throttled. Run alone with `tsx bench/fleet-rto.ts` (`--plans N`, `--json`); bench/failover-rto.ts
 * may call benchFleet too.
 */
import { parseArgs } from "node:util";
import type { AccountLimits } from "../sandbox/account-limits.js";
import { DEFAULT_FLEET_TEMPLATE, generatePlansFromFile } from "../sandbox/drill/generate-plans.js";
import { runRegionOutage } from "../sandbox/drill/run-region-outage.js";
import type { LatencyOverrides } from "../sandbox/latencies.js";

export interface FleetBenchOptions {
  /** How many plans to generate (default 20). */
  plans?: number;
  /** The plan they are cloned from (default examples/tokyo-singapore.plan.json). */
  template?: string;
  latencies?: LatencyOverrides;
  limits?: Partial<AccountLimits>;
  seed?: number;
}

export interface FleetBenchResult {
  plans: number;
  /** The slowest plan's region-outage drill with no other plan failing over. */
  single: { plan: string; userVisibleRtoSeconds: number };
  slowest: { plan: string; userVisibleRtoSeconds: number };
  /** slowest / single; the aim is at most 1.25. */
  slowestOverSingle: number;
  /** Every plan failed over within its RTO objective with its invariants true. */
  allWithinObjective: boolean;
  throttled: Record<string, number>;
  /** Real time the fleet's drill and the single drill took to replay. */
  realSeconds: number;
}

/** The aim of issue 15: the slowest of the fleet within 1.25x of one plan failing over alone. */
export const FLEET_AIM = 1.25;

export class FleetBenchFailed extends Error {
  constructor(message: string) {
    super(
      `${message}; nothing to measure: run \`kirikae drill --plans DIR\` on the generated plans to see why`,
    );
    this.name = "FleetBenchFailed";
  }
}

export async function benchFleet(options: FleetBenchOptions = {}): Promise<FleetBenchResult> {
  const count = options.plans ?? 20;
  const generated = await generatePlansFromFile(options.template ?? DEFAULT_FLEET_TEMPLATE, count);
  const realStart = performance.now();
  const result = await runRegionOutage({
    plans: generated.map((entry) => entry.plan),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.latencies === undefined ? {} : { latencies: options.latencies }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  const realSeconds = (performance.now() - realStart) / 1000;
  const slowest = result.slowest;
  if (
    !slowest ||
    slowest.userVisibleRtoSeconds === null ||
    slowest.singleUserVisibleRtoSeconds === null ||
    slowest.slowestOverSingle === null
  ) {
    throw new FleetBenchFailed(`a plan of the ${count}-plan fleet never served users again`);
  }
  return {
    plans: count,
    single: { plan: slowest.plan, userVisibleRtoSeconds: slowest.singleUserVisibleRtoSeconds },
    slowest: { plan: slowest.plan, userVisibleRtoSeconds: slowest.userVisibleRtoSeconds },
    slowestOverSingle: slowest.slowestOverSingle,
    allWithinObjective: result.ok,
    throttled: result.throttled,
    realSeconds: Math.round(realSeconds * 1000) / 1000,
  };
}

export function renderFleet(result: FleetBenchResult): string {
  const throttled = Object.entries(result.throttled);
  return [
    `Region outage across ${result.plans} plans (one account, shared limits):`,
    `  one plan alone:   ${result.single.plan}, user-visible RTO ${result.single.userVisibleRtoSeconds.toFixed(1)} s`,
    `  slowest of fleet: ${result.slowest.plan}, user-visible RTO ${result.slowest.userVisibleRtoSeconds.toFixed(1)} s`,
    `  slowest / single: ${result.slowestOverSingle.toFixed(3)} (aim <= ${FLEET_AIM})`,
    `  every plan within its RTO objective, invariants true: ${result.allWithinObjective ? "yes" : "NO"}`,
    `  throttled: ${throttled.length === 0 ? "nothing" : throttled.map(([api, count]) => `${api} ${count}`).join(", ")}`,
    `  real time: ${result.realSeconds.toFixed(1)} s`,
  ].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      plans: { type: "string", default: "20" },
      template: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const plans = Number(values.plans);
  if (!(Number.isInteger(plans) && plans >= 1))
    throw new Error("--plans takes a whole number of plans, 1 or more");
  const result = await benchFleet({ plans, ...(values.template ? { template: values.template } : {}) });
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderFleet(result)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
