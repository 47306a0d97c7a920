import { canaryHint, triggersSilencedBy } from "../plan/plan-rules.js";
import type { Plan } from "../plan/schema.js";
import type { AlarmEventRoute, AlarmPort } from "../ports/workflows.js";
import { type CheckSpec, gap, isNotFound, once, pass } from "./check-spec.js";
import { eventBusOf, isFunction } from "./event-targets.js";

type Alarm = Plan["triggers"]["alarms"][number];

/**
 * The plan's trigger alarms: each exists, and an enabled EventBridge rule in its region carries its state
 * changes to the detector function, directly or forwarded to another region's event bus where an enabled
 * rule does (alarms on Route 53 health checks live in us-east-1, the control plane elsewhere). In the
 * standby region, where the fix belongs, a gap when no alarm would survive an outage of the active
 * region or of us-east-1.
 */
export function alarmChecks(plan: Plan, alarms: AlarmPort, detector: string) {
  const standby = plan.regions.find((region) => region !== plan.activeRegion) ?? plan.activeRegion;
  return (region: string): CheckSpec[] => [
    ...existenceAndRoutes(plan, alarms, detector, region),
    ...(region === standby ? placement(plan, standby) : []),
  ];
}

/**
 * Reported only as a gap: a plan whose alarms are spread well has nothing to show here, and its alarms'
 * own rows already say where each one lives.
 */
function placement(plan: Plan, standby: string): CheckSpec[] {
  const silencedBy = triggersSilencedBy(plan);
  if (silencedBy.length === 0) return [];
  return [
    {
      check: "alarm.placement",
      resource: "triggers.alarms",
      region: standby,
      expected: `a trigger alarm that an outage of ${plan.activeRegion} or us-east-1 leaves running`,
      run: async () =>
        gap(
          `every trigger alarm lives in ${silencedBy.join(" or ")}: an outage there may silence every trigger`,
          canaryHint(standby, plan.activeRegion),
        ),
    },
  ];
}

function existenceAndRoutes(plan: Plan, alarms: AlarmPort, detector: string, region: string): CheckSpec[] {
  return plan.triggers.alarms
    .filter((alarm) => alarm.region === region)
    .flatMap((alarm): CheckSpec[] => {
      const state = once(() => alarms.state(alarm.region, alarm.name));
      return [
        {
          check: "alarm.exists",
          resource: alarm.name,
          region,
          expected: "exists",
          run: async () => {
            const current = await state();
            return current
              ? pass(`exists, ${current.state}`)
              : gap(
                  "missing",
                  `create the alarm ${alarm.name} in ${region}, or correct triggers.alarms in the plan`,
                );
          },
        },
        {
          check: "alarm.route",
          resource: alarm.name,
          region,
          expected: `state changes reach ${detector}`,
          run: async () => {
            if (!(await state())) return gap("no alarm to route", `create the alarm ${alarm.name} first`);
            return routeToDetector(alarms, alarm, detector);
          },
        },
      ];
    });
}

/** Follows the alarm's events from its region's default bus, one forwarding hop at most, as EventBridge does. */
async function routeToDetector(alarms: AlarmPort, alarm: Alarm, detector: string) {
  const routes = await alarms.routes(alarm, { region: alarm.region, name: "default" });
  const direct = enabled(routes).find((route) => route.targets.some((arn) => isFunction(arn, detector)));
  if (direct) return pass(`rule ${direct.rule} → ${detector}`);

  const forwardedTo: string[] = [];
  for (const route of enabled(routes)) {
    for (const bus of route.targets.flatMap((arn) => eventBusOf(arn) ?? [])) {
      forwardedTo.push(`${bus.region} bus ${bus.name}`);
      const onward = enabled(await routesOnBus(alarms, alarm, bus)).find((next) =>
        next.targets.some((arn) => isFunction(arn, detector)),
      );
      if (onward)
        return pass(`rule ${route.rule} → ${bus.region} bus ${bus.name}, rule ${onward.rule} → ${detector}`);
    }
  }
  const fix =
    `deploy the control plane, which creates the rules; or add a rule on the default bus in ${alarm.region} ` +
    `matching source aws.cloudwatch, detail-type "CloudWatch Alarm State Change" and alarmName ${alarm.name}, ` +
    `targeting ${detector} or the control plane region's default event bus`;
  if (routes.length === 0) return gap(`no rule in ${alarm.region} matches its state changes`, fix);
  if (enabled(routes).length === 0) {
    return gap(
      routes.length === 1
        ? `matching rule ${names(routes)} is disabled`
        : `matching rules ${names(routes)} are disabled`,
      `enable it: aws events enable-rule --region ${alarm.region} --name ${routes[0]?.rule}`,
    );
  }
  if (forwardedTo.length > 0) {
    return gap(`forwarded to ${forwardedTo.join(", ")}, where no enabled rule targets ${detector}`, fix);
  }
  return gap(`matching rule ${names(routes)} targets neither ${detector} nor an event bus`, fix);
}

/** A forwarding target may name a bus that does not exist: then nothing there takes the events. */
async function routesOnBus(
  alarms: AlarmPort,
  alarm: Alarm,
  bus: { region: string; name: string },
): Promise<AlarmEventRoute[]> {
  try {
    return await alarms.routes(alarm, bus);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

function enabled(routes: readonly AlarmEventRoute[]): AlarmEventRoute[] {
  return routes.filter((route) => route.enabled);
}

function names(routes: readonly AlarmEventRoute[]): string {
  return routes.map((route) => route.rule).join(", ");
}
