import { DELIVERY_WINDOW_MS } from "../../core/audit/link-evidence.js";
import { verifyAudit } from "../../core/audit/verify-audit.js";
import type { Plan } from "../../core/plan/schema.js";
import type { SandboxEstate } from "../estate.js";
import type { SandboxControlPlane } from "../sandbox-control-plane.js";
import type { DrillResult } from "./run-drill.js";

/**
 * Once CloudTrail has had time to deliver, does the trail agree with it? The linker runs as it would on
 * its schedule, then `audit verify`: chain intact, every call witnessed, no call by kirikae's roles
 * missing from the trail.
 */
export async function auditOnceDelivered(
  controlPlane: SandboxControlPlane,
  plan: Plan,
  estate: SandboxEstate,
  startedAt: Date,
): Promise<DrillResult["audit"]> {
  await estate.clock.sleep(DELIVERY_WINDOW_MS + 60_000);
  const verification = await estate.clock.busy(() =>
    verifyAudit(controlPlane.evidence, {
      plans: [plan.name],
      regions: [...new Set([...plan.regions, "us-east-1"])],
      roleNames: Object.values(controlPlane.roles).map((arn) => arn.split("/")[1] ?? ""),
      since: startedAt,
      until: estate.clock.now(),
    }),
  );
  const records =
    (await controlPlane.audit.chain(plan.name)).length + (await controlPlane.audit.chain("-")).length;
  return {
    records,
    verified: verification.ok,
    linked: verification.linked,
    findings: [
      ...verification.brokenChain.map(
        (problem) => `record ${problem.seq} of ${problem.plan}: ${problem.problem}`,
      ),
      ...verification.unwitnessed.map(
        (record) =>
          `no CloudTrail event for ${record.action} (request ${record.requestId}) recorded at ${record.at}`,
      ),
      ...verification.unreadableRegions.map(
        (entry) => `CloudTrail in ${entry.region} did not answer; its events are checked once it does`,
      ),
      ...verification.unaudited.map(
        (event) =>
          `CloudTrail shows ${event.eventName} by ${event.userIdentityArn} (request ${event.requestId}) with no audit record`,
      ),
    ],
    initiators: Object.fromEntries(
      verification.initiators.map((entry) => [entry.executionId, entry.initiator]),
    ),
  };
}
