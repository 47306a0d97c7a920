import { auditedAction } from "../audit/audited-action.js";
import type { TrafficGatesPort } from "../ports/traffic-gates.js";
import type { StepContext } from "../workflow/step-context.js";
import { gateEndpointRegions } from "./gates.js";

const GATE_ACTIONS = {
  "arc-routing-control": "route53-recovery-cluster:UpdateRoutingControlStates",
  "cloudwatch-alarm": "cloudwatch:PutMetricData",
  "s3-object": "s3:PutObject",
} as const;

/**
 * Closes one region's gate and opens the other's, audited. ARC and the alarm gates change both in one
 * request, so no answer is computed from half a change; object gates are two writes, closing first, so
 * the moment between them has both closed and Route 53 keeps answering with the primary, as before.
 */
export async function moveGates(
  context: StepContext,
  gates: TrafficGatesPort,
  regions: { close: string; open: string },
): Promise<void> {
  const { plan } = context;
  const kind = plan.dns.gates?.kind ?? "cloudwatch-alarm";
  const changes = [
    { region: regions.close, open: false },
    { region: regions.open, open: true },
  ];
  const batches = kind === "s3-object" ? changes.map((change) => [change]) : [changes];
  for (const batch of batches) {
    await auditedAction(
      context,
      {
        action: GATE_ACTIONS[kind],
        resource: `${plan.name}/gates/${batch.map((change) => change.region).join("+")}`,
        region: gateEndpointRegions(plan).at(0) ?? regions.open,
        after: Object.fromEntries(batch.map((change) => [change.region, change.open ? "open" : "closed"])),
        details: { gates: kind },
      },
      () => gates.set(plan, batch),
    );
  }
}
