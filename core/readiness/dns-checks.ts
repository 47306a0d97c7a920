import type { DnsRecord, Plan } from "../plan/schema.js";
import type { DnsPort, RecordSet } from "../ports/dns.js";
import { describeGateHealthCheck } from "../traffic/gates.js";
import { type CheckSpec, gap, isNotFound, once, pass } from "./check-spec.js";

/**
 * Route 53: each region's record set exists with the plan's target, in the role the plan gives the
 * region (PRIMARY or the active weight where it is active), bound to its health check; and that health
 * check exists and passes. Route 53's API is global; a record's region is the region its target serves.
 */
export function dnsChecks(plan: Plan, dns: DnsPort) {
  const { hostedZoneId } = plan.dns;
  const recordSets = new Map(
    plan.dns.records.map((record) => [
      record,
      once(async (): Promise<RecordSet[] | undefined> => {
        try {
          return await dns.listRecords(hostedZoneId, record.name, record.type);
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      }),
    ]),
  );
  return (region: string): CheckSpec[] =>
    plan.dns.records.flatMap((record) => {
      const target = record.targets[region];
      if (!target) return [];
      const role = roleFor(plan, region);
      const healthCheckId = target.healthCheckId;
      const gated = plan.dns.gates !== undefined;
      const specs: CheckSpec[] = [
        {
          check: "dns.record",
          resource: `${record.name} ${record.type} ${target.setIdentifier}`,
          region,
          expected: gated
            ? `${target.value}, ${role}, gate: ${describeGateHealthCheck(plan, region)}`
            : describe(target.value, role, healthCheckId),
          run: async () => {
            const sets = await recordSets.get(record)?.();
            if (sets === undefined) {
              return gap(
                `hosted zone ${hostedZoneId} not found`,
                "correct dns.hostedZoneId in the plan, or create the zone",
              );
            }
            const set = sets.find((candidate) => candidate.setIdentifier === target.setIdentifier);
            if (!set) {
              return gap(
                "missing",
                `create the ${record.type} record ${record.name} with set identifier ${target.setIdentifier} in ${hostedZoneId}, or correct dns.records in the plan`,
              );
            }
            if (gated) return gatedRecord(plan, dns, region, set);
            const actual = describe(set.values.join(", "), roleOf(set), set.healthCheckId);
            const problem = recordProblem(plan, record, region, set);
            return problem ? gap(actual, problem) : pass(actual);
          },
        },
      ];
      if (healthCheckId !== undefined) {
        specs.push({
          check: "dns.health-check",
          resource: healthCheckId,
          region,
          expected: "exists, healthy",
          run: async () => {
            let healthy: boolean;
            try {
              healthy = await dns.healthCheckHealthy(healthCheckId);
            } catch (error) {
              if (!isNotFound(error)) throw error;
              return gap(
                "missing",
                `create a health check for ${target.value}, and set its ID as dns.records[].targets.${region}.healthCheckId`,
              );
            }
            return healthy
              ? pass("exists, healthy")
              : gap(
                  "exists, unhealthy",
                  `Route 53's checkers find ${target.value} unhealthy: fix it in ${region}; traffic cannot move to an endpoint that fails its check`,
                );
          },
        });
      }
      return specs;
    });
}

/**
 * With gates, a record never changes: it keeps its region's target and role for good, and carries the
 * health check of that region's gate, which kirikae's deploy creates. Which gate is open is the workflow's
 * business, not drift.
 */
async function gatedRecord(plan: Plan, dns: DnsPort, region: string, set: RecordSet) {
  const record = plan.dns.records.find((candidate) => sameName(candidate.name, set.name)) as DnsRecord;
  const target = record.targets[region];
  const follows =
    set.healthCheckId === undefined ? "no health check" : await dns.healthCheckFollows(set.healthCheckId);
  const actual = `${set.values.join(", ")}, ${roleOf(set)}, gate: ${follows}`;
  if (target !== undefined && !set.values.some((value) => sameName(value, target.value))) {
    return gap(actual, `the record points elsewhere: set it to ${target.value}, or correct the plan`);
  }
  if (roleOf(set) !== roleFor(plan, region)) {
    return gap(
      actual,
      `with gates the record keeps its role for good: make it ${roleFor(plan, region)} again (redeploy the stage)`,
    );
  }
  if (follows !== describeGateHealthCheck(plan, region)) {
    return gap(
      actual,
      `bind the health check of ${region}'s gate (kirikae's deploy creates it) to the record: redeploy the stage`,
    );
  }
  return pass(actual);
}

/** The first difference between the record as it stands and as the plan has it, as what to do. */
function recordProblem(plan: Plan, record: DnsRecord, region: string, set: RecordSet): string | undefined {
  const target = record.targets[region];
  if (!target) return undefined;
  if (!set.values.some((value) => sameName(value, target.value))) {
    return `the record points elsewhere: set it to ${target.value}, or correct the plan`;
  }
  if (roleOf(set) !== roleFor(plan, region)) {
    const other = plan.regions.find((candidate) => candidate !== region) ?? "the other region";
    const serving = region === plan.activeRegion ? other : region;
    return `traffic is routed to ${serving}: the plan runs failed over; fail back, or make ${serving} the plan's activeRegion`;
  }
  if (target.healthCheckId !== undefined && set.healthCheckId !== target.healthCheckId) {
    return `bind health check ${target.healthCheckId} to the record: without it Route 53 cannot route around a failed endpoint`;
  }
  return undefined;
}

function roleFor(plan: Plan, region: string): string {
  const active = region === plan.activeRegion;
  if (plan.dns.routing === "failover") return active ? "PRIMARY" : "SECONDARY";
  return `weight ${active ? plan.dns.activeWeight : 0}`;
}

function roleOf(set: RecordSet): string {
  if (set.failover !== undefined) return set.failover;
  if (set.weight !== undefined) return `weight ${set.weight}`;
  return "simple routing";
}

function describe(value: string, role: string, healthCheckId: string | undefined): string {
  return `${value}, ${role}, ${healthCheckId === undefined ? "no health check" : `health check ${healthCheckId}`}`;
}

function sameName(a: string, b: string): boolean {
  const normal = (name: string) => name.toLowerCase().replace(/\.$/, "");
  return normal(a) === normal(b);
}
