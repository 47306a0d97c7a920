import type { Plan } from "../plan/schema.js";

/**
 * How a plan moves traffic. "gates": nothing edits a record during an incident; Route 53's data plane
 * follows health checks kirikae controls through regional endpoints. "record-edits": failover or
 * weighted records are rewritten through Route 53's API, which only us-east-1 serves.
 */
export type TrafficMode = "gates" | "record-edits";

export function trafficMode(plan: Plan): TrafficMode {
  return plan.dns.gates === undefined ? "record-edits" : "gates";
}

/**
 * The alarm behind a "cloudwatch-alarm" gate: one per plan and region, both in the plan's standby region.
 * Not stage-scoped: the gates belong to the plan's records, which one stage at a time manages.
 */
export function gateAlarmName(plan: Plan, region: string): string {
  return `kirikae-gate-${plan.name}-${region}`;
}

/** The metric a "cloudwatch-alarm" gate's alarm watches: 1 while the region may take traffic, 0 when not. */
export const GATE_METRIC = { namespace: "Kirikae/TrafficGates", metricName: "GateOpen" } as const;

export function gateDimensions(plan: Plan, region: string): Record<string, string> {
  return { Plan: plan.name, Region: region };
}

/**
 * Where the gates of an "s3-object" or "cloudwatch-alarm" plan live (objects, or metric and alarms): its
 * standby region, where the failover runs. An outage of the active region (or of us-east-1) then never
 * touches a gate; a failback, which is planned, finds that region up. Should the standby region itself
 * fail while the active one serves, both gates read unhealthy and Route 53 answers with the primary,
 * which is the active region: "secondary unhealthy -> primary, whatever its health".
 */
export function gateRegion(plan: Plan): string {
  return plan.regions.find((region) => region !== plan.activeRegion) ?? plan.activeRegion;
}

/** The regions whose endpoints can change the gates, in the order they are tried. */
export function gateEndpointRegions(plan: Plan): string[] {
  const gates = plan.dns.gates;
  return gates?.kind === "arc-routing-control"
    ? gates.clusterEndpoints.map((endpoint) => endpoint.region)
    : [gateRegion(plan)];
}

/**
 * What the health check of a region's gate follows, in one line: `kirikae check` compares the health check
 * bound to each failover record with it.
 */
export function describeGateHealthCheck(plan: Plan, region: string): string {
  const gates = plan.dns.gates;
  switch (gates?.kind) {
    case "arc-routing-control":
      return `routing control ${gates.routingControls[region] ?? "?"}`;
    case "s3-object":
      return `object https://${gates.bucket}.s3.${gateRegion(plan)}.amazonaws.com/${gateObjectKey(plan, region)} containing "${GATE_OPEN_BODY}"`;
    default:
      return `alarm ${gateAlarmName(plan, region)} in ${gateRegion(plan)}`;
  }
}

/** The object whose body an "s3-object" gate's health check searches for GATE_OPEN_BODY. */
export function gateObjectKey(plan: Plan, region: string): string {
  return `kirikae/gates/${plan.name}/${region}`;
}

export const GATE_OPEN_BODY = "open";
export const GATE_CLOSED_BODY = "closed";
