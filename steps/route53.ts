import { AUTHORITATIVE_DNS, auditTrail, trafficCalls } from "../core/workflow/step-calls.js";
import { createSwitchTrafficHandler } from "../functions/switch-traffic.js";
import { pollingStates } from "./polling-states.js";
import type { StepKind } from "./step-kind.js";

/**
 * A Route 53 zone's records: users move by the zone's gates (or record edits), only once every
 * database block is done (plan rule), and the switch is confirmed by what the zone's name servers
 * answer. Never undone by an escalation: DNS is not touched there (invariant 3).
 */
export const route53Step: StepKind<"route53"> = {
  kind: "route53",
  role: "traffic",
  releasesOnFailback: false,
  functions: [
    {
      key: "switchTraffic",
      handler: "functions/switch-traffic.handler",
      create: createSwitchTrafficHandler,
      access: ["database.describe", "dns.change", "traffic.gates", "audit.append"],
      description: "Moves a Route 53 block's traffic to the region being activated",
    },
  ],
  states: (context) => pollingStates(context, "Switch", "switchTraffic"),
  calls: ({ block, plan, source, target }) => ({
    calls: [...trafficCalls({ ...plan, dns: block.dns }, source, target), ...auditTrail(target)],
    dataPlane: [AUTHORITATIVE_DNS],
  }),
  describe: (block) =>
    `move ${block.dns.records.length} record(s) of zone ${block.dns.hostedZoneId} by ${block.dns.gates ? `${block.dns.gates.kind} gates` : "record edits"}`,
  modelledSeconds: (block, latencies) =>
    (block.dns.gates?.kind === "arc-routing-control"
      ? latencies.gatePropagationArcRoutingControl
      : latencies.route53ChangePropagation) / 1000,
};
