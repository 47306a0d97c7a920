import { recordDecision } from "../audit/audited-action.js";
import type { DnsPort } from "../ports/dns.js";
import type { GlobalDatabasePort } from "../ports/global-database.js";
import { rollbackDeadline, type StepContext } from "../workflow/step-context.js";
import { RollbackTriggerExceeded } from "../workflow/workflow-errors.js";
import { memberArn } from "./plan-lookup.js";

export interface VerificationProgress {
  status: "pending" | "done";
  /** Trigger (alarm or request) to traffic switched and the target verified healthy, as users feel it. */
  rtoSeconds?: number;
  rpoSeconds?: number;
  objectivesMet?: { rto: boolean; rpo: boolean };
  verifiedAt?: string;
  pollAfterSeconds?: number;
}

export const VERIFY_POLL_SECONDS = 10;

/**
 * Recovery is measured as users feel it: done only when the target region's health checks are green,
 * Route 53 answers with it, and its cluster is the writer.
 *   1. writer is the target cluster (read fresh)
 *   2. every target health check is healthy, else poll until the rollback trigger
 *   3. achieved RTO = now - trigger time; RPO = the estimate recorded before promotion
 */
export async function verifyRecovery(
  context: StepContext,
  deps: { dns: DnsPort; database: GlobalDatabasePort },
  promotion: { rpoEstimateSeconds?: number } | undefined,
): Promise<VerificationProgress> {
  const { plan, request } = context;
  const global = await deps.database.describe(plan.database.globalClusterIdentifier, request.targetRegion);
  const targetArn = memberArn(plan, request.targetRegion);
  const writerOk = global.members.some((member) => member.clusterArn === targetArn && member.isWriter);
  let healthy = writerOk;
  for (const record of plan.dns.records) {
    const healthCheckId = record.targets[request.targetRegion]?.healthCheckId;
    if (healthy && healthCheckId !== undefined) healthy = await deps.dns.healthCheckHealthy(healthCheckId);
  }
  if (!healthy) {
    const deadline = rollbackDeadline(context);
    if (context.clock.now() > deadline) throw new RollbackTriggerExceeded(deadline, { resource: targetArn });
    return { status: "pending", pollAfterSeconds: VERIFY_POLL_SECONDS };
  }
  const verifiedAt = context.clock.now();
  const rtoSeconds = (verifiedAt.getTime() - new Date(request.trigger.detectedAt).getTime()) / 1000;
  const rpoSeconds = promotion?.rpoEstimateSeconds ?? 0;
  const objectivesMet = {
    rto: rtoSeconds <= plan.objectives.rtoMinutes * 60,
    rpo: rpoSeconds <= plan.objectives.rpoMinutes * 60,
  };
  await recordDecision(context, {
    action: "recovery.verified",
    resource: plan.name,
    details: { rtoSeconds, rpoSeconds, objectivesMet, objectives: plan.objectives },
  });
  return { status: "done", rtoSeconds, rpoSeconds, objectivesMet, verifiedAt: verifiedAt.toISOString() };
}
