import { KirikaeError } from "../core/errors.js";
import { loadDrillRuntime } from "../sandbox/drill/drill-runtime.js";
import type { LatencyOverrides } from "../sandbox/latencies.js";
import type { CliIo } from "./cli-io.js";
import { duration } from "./drill-output.js";
import { fleetJson, fleetProgressPrinter, renderFleetSummary } from "./fleet-output.js";
import { loadPlanDirectory } from "./fleet-plans.js";
import { CliUsageError } from "./usage-error.js";

export interface FleetDrillOptions {
  plans: string;
  region?: string;
  seed: number;
  latencies?: LatencyOverrides;
  json?: boolean;
}

/**
 * `kirikae drill --plans DIR`: a region outage across every plan in DIR, in one account's sandbox with its
 * shared limits. Exits 0 when every plan the outage reached recovered within its RTO with its invariants
 * true and every other plan was left untouched, 1 otherwise.
 */
export async function runFleetDrill(io: CliIo, options: FleetDrillOptions): Promise<void> {
  const plans = await loadPlanDirectory(options.plans);
  if (options.region !== undefined && !plans.some((plan) => plan.activeRegion === options.region)) {
    throw new CliUsageError(
      `no plan in ${options.plans} is active in ${options.region}`,
      `name a region some plan is active in: ${[...new Set(plans.map((plan) => plan.activeRegion))].join(", ")}`,
    );
  }
  // Loaded here: only the drill needs the sandbox and its dev-only packages.
  const { runRegionOutage } = await loadDrillRuntime();
  const human = !options.json;
  if (human) {
    io.out(
      `kirikae drill: region outage across ${plans.length} plan${plans.length === 1 ? "" : "s"} in ${options.plans}\n`,
    );
    const objectives = [...new Set(plans.map((plan) => duration(plan.objectives.rtoMinutes * 60)))].join(
      ", ",
    );
    io.out(`  RTO objectives: ${objectives}; the account's shared API limits apply to all plans at once\n\n`);
  }
  const result = await runRegionOutage({
    plans,
    seed: options.seed,
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.latencies === undefined ? {} : { latencies: options.latencies }),
    ...(human ? { onProgress: fleetProgressPrinter(io.out) } : {}),
  }).catch((error: unknown) => {
    // A fleet the drill cannot model (two plans of one name, plans in several accounts) is the input's fault.
    // Matched by name: a static import of the error's module would load the sandbox with every command.
    if (error instanceof KirikaeError && error.name === "RegionOutageError")
      throw new CliUsageError(error.message, error.action ?? "");
    throw error;
  });
  io.out(human ? renderFleetSummary(result) : fleetJson(result));
  io.setExitCode(result.ok ? 0 : 1);
}
