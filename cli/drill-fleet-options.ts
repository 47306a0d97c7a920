import type { LatencyOverrides } from "../sandbox/latencies.js";
import type { FleetDrillOptions } from "./drill-fleet.js";
import { CliUsageError } from "./usage-error.js";

/** What `kirikae drill` was given, as far as `--plans` cares. */
export interface DrillCommandOptions {
  plans?: string;
  region?: string;
  planFile?: string;
  plan?: string;
  scenario: string;
  fault: readonly unknown[];
  failback: boolean;
  report?: string;
  auditOut?: string;
  seed: number;
  json?: boolean;
}

/**
 * `--plans DIR` drills a fleet through a region outage; the options that shape a single plan's drill
 * (its plan file, scenario, faults, failback, reports) mean nothing there, so giving both is a usage
 * error rather than one silently ignored.
 */
export function fleetOptions(
  options: DrillCommandOptions,
  latencies: LatencyOverrides | undefined,
): FleetDrillOptions {
  if (options.plans === undefined) {
    throw new CliUsageError(
      "--region is for a fleet's drill",
      "give the plans' directory too: --plans DIR --region REGION",
    );
  }
  const single = [
    options.planFile !== undefined || options.plan !== undefined ? "--plan-file" : "",
    options.scenario !== "region-outage" ? "--scenario" : "",
    options.fault.length > 0 ? "--fault" : "",
    options.failback ? "" : "--no-failback",
    options.report !== undefined ? "--report" : "",
    options.auditOut !== undefined ? "--audit-out" : "",
  ].filter(Boolean);
  if (single.length > 0) {
    throw new CliUsageError(
      `--plans cannot be combined with ${single.join(", ")}: those shape one plan's drill`,
      "drill a fleet with --plans DIR [--region REGION], or one plan with --plan-file FILE",
    );
  }
  return {
    plans: options.plans,
    seed: options.seed,
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(latencies === undefined ? {} : { latencies }),
    ...(options.json ? { json: true } : {}),
  };
}
