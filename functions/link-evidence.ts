import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { linkEvidence } from "../core/audit/link-evidence.js";
import { type DeadLetterRun, recordDeadLetters } from "../core/failover/record-dead-letters.js";
import { type LinkerFunctionDeps, productionLinkerDeps } from "./runtime/audit-deps.js";
import { logger } from "./runtime/logger.js";
import { type DepsSource, memoize } from "./runtime/task-deps.js";

export interface LinkRunSummary {
  /** Alarm events the detector gave up on, now in their plans' trails and gone from the queue. */
  deadLetters: DeadLetterRun;
  plans: Array<{ plan: string; linked: number; waiting: number; missing: number }>;
}

/**
 * The scheduled evidence linker:
 *   1. drains the detector's dead-letter queue into the trail (`alarm.dead-lettered`), so a lost alarm
 *      event is in its plan's history, not only in a queue that expires it after 14 days;
 *   2. for every deployed plan, links recorded calls to their CloudTrail events (appending evidence
 *      records) and names workflows' initiators. Calls still missing past the delivery window are logged
 *      as errors; `kirikae audit verify` reports them by name.
 * A failed drain does not hold up the linking: it is logged, the linking runs, and the invocation then
 * fails, so Lambda's Errors metric shows it; the messages stay queued for the next run.
 */
export const createLinkEvidenceHandler = (deps: DepsSource<LinkerFunctionDeps>) =>
  middy<unknown, LinkRunSummary>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async () => {
      const resolved = await deps();
      let drainFailure: unknown;
      let deadLetters: DeadLetterRun = { recorded: 0, plans: [] };
      try {
        deadLetters = await recordDeadLetters(resolved);
        if (deadLetters.recorded > 0) {
          logger.error("alarm events the detector gave up on are now in the audit trail", { ...deadLetters });
        }
      } catch (error) {
        drainFailure = error;
        logger.error("could not drain the detector's dead-letter queue; the messages stay for the next run", {
          error,
        });
      }
      const summary: LinkRunSummary = { deadLetters, plans: [] };
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
      if (drainFailure !== undefined) throw drainFailure;
      return summary;
    });

export const handler = createLinkEvidenceHandler(memoize(productionLinkerDeps));
