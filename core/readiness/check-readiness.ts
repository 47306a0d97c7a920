import { databaseViews, dnsViews } from "../blocks/block-views.js";
import type { Clock } from "../clock.js";
import type { Plan } from "../plan/schema.js";
import type { AutoScalingPort } from "../ports/auto-scaling.js";
import type { ComputePort } from "../ports/compute.js";
import type { DnsPort } from "../ports/dns.js";
import type { EcsServicesPort } from "../ports/ecs-services.js";
import type { GlobalDatabasePort } from "../ports/global-database.js";
import type { AlarmPort } from "../ports/workflows.js";
import { alarmChecks } from "./alarm-checks.js";
import { autoScalingChecks, ecsServiceChecks } from "./capacity-block-checks.js";
import { computeChecks } from "./compute-checks.js";
import { databaseChecks } from "./database-checks.js";
import { dnsChecks } from "./dns-checks.js";
import type { Finding } from "./finding.js";
import { RegionNotInPlan } from "./readiness-errors.js";
import { REGION_DEADLINE_MS, runChecks } from "./run-checks.js";

export interface ReadinessDeps {
  database: GlobalDatabasePort;
  compute: ComputePort;
  dns: DnsPort;
  alarms: AlarmPort;
  /** The plan's Auto Scaling group and ECS service blocks; a plan without them reads neither. */
  autoScaling?: AutoScalingPort;
  ecs?: EcsServicesPort;
  clock: Clock;
}

export interface ReadinessOptions {
  /** The name of the control plane's detector function, which the plan's alarms must reach. */
  detectorFunction: string;
  /** Only resources in these regions; default every region the plan names resources in. */
  regions?: readonly string[];
  regionDeadlineMs?: number;
  /** Where kirikae last moved the plan, when not home: the database and compute are checked as they run. */
  runningIn?: string;
}

/**
 * Is the estate what the plan says, so that a failover would work today? Read-only.
 *   1. from the plan alone, the checks of every resource it names in the regions asked for
 *   2. each region's checks run concurrently; a region that does not answer yields unreachable findings
 *   3. one finding per check, region by region: database, compute, DNS, alarms
 * Throws only when the check cannot run at all (a region the plan does not name, no access to AWS).
 */
export async function checkReadiness(
  plan: Plan,
  deps: ReadinessDeps,
  options: ReadinessOptions,
): Promise<Finding[]> {
  const named = planRegions(plan);
  const regions = options.regions ?? named;
  for (const region of regions) {
    if (!named.includes(region)) throw new RegionNotInPlan(region, plan.name, named);
  }
  // Gated records keep the roles they were deployed with whichever gate is open, so DNS is checked against
  // the plan as deployed; edited records, the writer and the sizes follow where the plan now runs.
  const running = options.runningIn === undefined ? plan : { ...plan, activeRegion: options.runningIn };
  // Every Aurora block and every zone of a plan of blocks, with the checks written for one of each.
  const families = [
    ...databaseViews(running).map((view) => databaseChecks(view, deps.database)),
    computeChecks(running, deps.compute),
    ...dnsViews(running).map((view, index) =>
      dnsChecks(view.dns.gates === undefined ? view : (dnsViews(plan)[index] ?? view), deps.dns),
    ),
    alarmChecks(plan, deps.alarms, options.detectorFunction),
    ...(deps.autoScaling ? [autoScalingChecks(running, deps.autoScaling)] : []),
    ...(deps.ecs ? [ecsServiceChecks(running, deps.ecs)] : []),
  ];
  const specs = named
    .filter((region) => regions.includes(region))
    .flatMap((region) => families.flatMap((checksIn) => checksIn(region)));
  return runChecks(specs, deps.clock, options.regionDeadlineMs ?? REGION_DEADLINE_MS);
}

/** The plan's two regions, then any other region its alarms live in (us-east-1 for Route 53's). */
export function planRegions(plan: Plan): string[] {
  return [...new Set([...plan.regions, ...plan.triggers.alarms.map((alarm) => alarm.region)])];
}
