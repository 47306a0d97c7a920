import {
  Route53RecoveryClusterClient,
  UpdateRoutingControlStatesCommand,
} from "@aws-sdk/client-route53-recovery-cluster";
import type { Plan } from "../../core/plan/schema.js";
import type { GateChange, TrafficGatesPort } from "../../core/ports/traffic-gates.js";
import { TransientAwsError } from "../../core/workflow/workflow-errors.js";
import { requestIdOf, toWorkflowError } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/**
 * Gates that are Route 53 ARC routing controls. AWS asks callers to try the cluster's five regional
 * endpoints in turn until one answers (ARC developer guide, "Get and update routing control states using
 * the API"), so an outage of any region, us-east-1 included, costs one short timeout per dead endpoint.
 * All states change in one UpdateRoutingControlStates request, which ARC applies together.
 */
export class ArcRoutingControlGates implements TrafficGatesPort {
  constructor(private readonly clients: ClientProvider) {}

  async set(plan: Plan, changes: GateChange[]) {
    const gates = plan.dns.gates;
    if (gates?.kind !== "arc-routing-control") {
      throw new Error(`plan "${plan.name}" has no ARC routing controls`);
    }
    const entries = changes.map((change) => ({
      RoutingControlArn: gates.routingControls[change.region] ?? "",
      RoutingControlState: change.open ? ("On" as const) : ("Off" as const),
    }));
    const failures: string[] = [];
    let lastError: unknown;
    for (const endpoint of tryOrder(gates.clusterEndpoints, changes)) {
      try {
        const output = await this.clients
          .recoveryCluster(endpoint, Route53RecoveryClusterClient)
          .send(new UpdateRoutingControlStatesCommand({ UpdateRoutingControlStateEntries: entries }));
        return { requestId: requestIdOf(output), endpointRegion: endpoint.region };
      } catch (error) {
        const mapped = toWorkflowError(error, {
          action: "route53-recovery-cluster:UpdateRoutingControlStates",
          resource: endpoint.url,
        });
        // Only an endpoint that did not answer is worth trying the next one for; a refusal (access
        // denied, a safety rule, an unknown ARN) would be refused by every endpoint alike.
        if (!(mapped instanceof TransientAwsError)) throw mapped;
        failures.push(`${endpoint.region}: ${(error as Error).name}`);
        lastError = error;
      }
    }
    throw new TransientAwsError(
      `no ARC cluster endpoint of plan "${plan.name}" answered (${failures.join(", ")})`,
      { cause: lastError, resource: Object.values(gates.routingControls).join(", ") },
    );
  }
}

/**
 * The region being activated first, the region being left last: in an outage the first endpoint tried
 * answers, and the failed region is asked only if every other endpoint is down too.
 */
function tryOrder<T extends { region: string }>(
  endpoints: readonly T[],
  changes: readonly GateChange[],
): T[] {
  const rank = (endpoint: T) => {
    const change = changes.find((candidate) => candidate.region === endpoint.region);
    if (change === undefined) return 1;
    return change.open ? 0 : 2;
  };
  return [...endpoints].sort((a, b) => rank(a) - rank(b));
}
