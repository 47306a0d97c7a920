import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { linkEvidence } from "../core/audit/link-evidence.js";
import { type AuditFunctionDeps, productionAuditDeps } from "./runtime/audit-deps.js";
import { logger } from "./runtime/logger.js";
import { type DepsSource, memoize } from "./runtime/task-deps.js";

export interface LinkRunSummary {
  plans: Array<{ plan: string; linked: number; waiting: number; missing: number }>;
}

/**
 * The scheduled evidence linker: for every deployed plan, links recorded calls to their CloudTrail
 * events (appending evidence records) and names workflows' initiators. Calls still missing past the
 * delivery window are logged as errors; `kirikae audit verify` reports them by name.
 */
export const createLinkEvidenceHandler = (deps: DepsSource<AuditFunctionDeps>) =>
  middy<unknown, LinkRunSummary>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async () => {
      const resolved = await deps();
      const summary: LinkRunSummary = { plans: [] };
      for (const plan of resolved.plans.names()) {
        const result = await linkEvidence(resolved, plan);
        summary.plans.push({
          plan,
          linked: result.linked,
          waiting: result.waiting.length,
          missing: result.missing.length,
        });
        if (result.missing.length > 0) {
          logger.error("recorded calls with no CloudTrail event past the delivery window", {
            plan,
            requestIds: result.missing.map((record) => record.requestId),
          });
        }
      }
      logger.info("evidence linked", { ...summary });
      return summary;
    });

export const handler = createLinkEvidenceHandler(memoize(productionAuditDeps));
