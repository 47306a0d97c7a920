import type { Plan } from "../core/plan/schema.js";

/**
 * Where each part of a stage's control plane lives, derived from its plans:
 *   - a control plane in every region of every plan, so failover runs in the region being activated and
 *     failback in the plan's home region, and neither depends on the region that failed;
 *   - each region's functions serve only the plans that include it;
 *   - a plan's alarms are routed to the detector in its recovery region (the one a failover activates):
 *     directly where the alarm lives there, forwarded from every other alarm region (us-east-1 for alarms
 *     on Route 53 health checks).
 */
export interface AlarmRoute {
  plan: string;
  detectorRegion: string;
  /** Alarm names by the region they live in. */
  alarmsByRegion: Map<string, string[]>;
}

export interface Topology {
  /** Regions with a control plane, in the order the plans first name them. */
  regions: string[];
  plansIn(region: string): Plan[];
  routes: AlarmRoute[];
  /** Regions that only hold alarms to forward: they get rules, never a control plane. */
  forwardingOnlyRegions: string[];
}

export function recoveryRegion(plan: Plan): string {
  const other = plan.regions.find((region) => region !== plan.activeRegion);
  if (other === undefined) throw new Error(`plan "${plan.name}" has no region to recover into`);
  return other;
}

export function topologyOf(plans: readonly Plan[]): Topology {
  if (plans.length === 0) throw new Error("no plans to deploy: a control plane serves at least one plan");
  const names = new Set<string>();
  for (const plan of plans) {
    if (names.has(plan.name))
      throw new Error(`two deployed plans are named "${plan.name}"; names must be unique`);
    names.add(plan.name);
  }
  const regions = [...new Set(plans.flatMap((plan) => plan.regions))];
  const routes = plans.map((plan) => {
    const alarmsByRegion = new Map<string, string[]>();
    for (const alarm of plan.triggers.alarms) {
      alarmsByRegion.set(alarm.region, [...(alarmsByRegion.get(alarm.region) ?? []), alarm.name]);
    }
    return { plan: plan.name, detectorRegion: recoveryRegion(plan), alarmsByRegion };
  });
  const alarmRegions = new Set(routes.flatMap((route) => [...route.alarmsByRegion.keys()]));
  return {
    regions,
    plansIn: (region) => plans.filter((plan) => plan.regions.includes(region)),
    routes,
    forwardingOnlyRegions: [...alarmRegions].filter((region) => !regions.includes(region)),
  };
}

/**
 * The event pattern of a plan's alarms going into ALARM, each name from its own region only: an alarm is
 * its name and its region, and the same name elsewhere is someone else's. One region is a plain pattern;
 * several are an `$or` of one pattern per region.
 */
export function alarmEventPattern(alarmsByRegion: ReadonlyMap<string, readonly string[]>) {
  const base = { source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"] };
  const from = (region: string, names: readonly string[]) => ({
    region: [region],
    // The detector acts on ALARM only; the workflow re-reads the alarm itself while it holds the signal.
    detail: { alarmName: [...names], state: { value: ["ALARM"] } },
  });
  const byRegion = [...alarmsByRegion.entries()];
  const [only] = byRegion;
  if (byRegion.length === 1 && only) return { ...base, ...from(only[0], only[1]) };
  return { ...base, $or: byRegion.map(([region, names]) => from(region, names)) };
}
