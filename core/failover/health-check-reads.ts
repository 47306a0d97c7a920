import type { Plan } from "../plan/schema.js";
import type { DnsPort } from "../ports/dns.js";
import { advisoryCheck, type CheckResult } from "../workflow/check-result.js";
import { ROUTE53_API_REGION } from "../workflow/global-control-planes.js";

/** Reads a health check's status; only Route 53's API in us-east-1 serves it, so callers hand in probes. */
export type HealthCheckReader = Pick<DnsPort, "healthCheckHealthy">;

/**
 * The region's Route 53 health checks, each an advisory read of us-east-1's API: the checkers
 * themselves are the data plane, but their status is only read through the control plane.
 */
export async function healthCheckChecks(
  plan: Plan,
  region: string,
  reader: HealthCheckReader,
): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  for (const record of plan.dns.records) {
    const healthCheckId = record.targets[region]?.healthCheckId;
    if (healthCheckId === undefined) continue;
    checks.push(
      await advisoryCheck({ name: `dns.health.${record.name}`, region: ROUTE53_API_REGION }, async () => {
        const healthy = await reader.healthCheckHealthy(healthCheckId);
        return {
          ok: healthy,
          detail: `health check ${healthCheckId} for ${record.name} in ${region} is ${healthy ? "healthy" : "unhealthy"}`,
        };
      }),
    );
  }
  return checks;
}
