import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { type PlanDigestResult, writeDigestsForPlans } from "../core/audit/write-digest.js";
import { KirikaeError } from "../core/errors.js";
import { productionDigests } from "./runtime/digest-deps.js";
import { logger } from "./runtime/logger.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { productionNotifier } from "./runtime/production-notifier.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";

export type WriteDigestsDeps = Pick<
  TaskDeps,
  "plans" | "audit" | "notifier" | "clock" | "actor" | "writeDigest"
>;

/**
 * The hourly digest writer: a signed digest of every plan's chain in this region, skipped where nothing
 * changed since the last one. Its event carries nothing it needs. A plan whose digest failed is recorded
 * and notified, and fails the invocation once the others are done, so Lambda's error metric (and its
 * alarm) shows it; the next run tries again.
 */
export const createWriteDigestsHandler = (deps: DepsSource<WriteDigestsDeps>) =>
  middy<unknown, PlanDigestResult[]>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async () => {
      const resolved = await deps();
      const results = await writeDigestsForPlans(resolved, resolved.plans.names());
      for (const { plan, result } of results) {
        if (result.status === "failed")
          logger.error("audit digest not written", { plan, error: result.error });
        else logger.info(`audit digest ${result.status}`, { plan });
      }
      const failed = results.filter(({ result }) => result.status === "failed").map(({ plan }) => plan);
      if (failed.length > 0) {
        throw new KirikaeError(`the audit digest of ${failed.join(", ")} was not written`, {
          action:
            "see this function's log and the audit trail's audit.digest-failed records; the next run tries again",
        });
      }
      return results;
    });

async function productionWriteDigestsDeps(): Promise<WriteDigestsDeps> {
  const base = await productionStepDeps();
  return { ...base, notifier: productionNotifier(), writeDigest: productionDigests(base).writeDigest };
}

export const handler = createWriteDigestsHandler(memoize(productionWriteDigestsDeps));
