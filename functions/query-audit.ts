import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { z } from "zod";
import type { AuditFilter, AuditRecord } from "../core/ports/audit.js";
import { InvalidWorkflowInput } from "../core/workflow/workflow-errors.js";
import type { AuditFunctionDeps } from "./runtime/audit-deps.js";
import { productionAuditTrail } from "./runtime/audit-trail-deps.js";
import { logger } from "./runtime/logger.js";
import { type DepsSource, memoize } from "./runtime/task-deps.js";

/** A Lambda response is at most 6 MB; past this many records, narrow the question or use the CLI. */
export const MAX_RECORDS = 1_000;

const isoTime = z.iso.datetime({ offset: true });

/** What an auditor types into the console's "Test" tab: any combination of these. */
export const auditQuerySchema = z.strictObject({
  plan: z.string().min(1).optional(),
  executionId: z.string().min(1).optional(),
  actor: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  outcome: z.enum(["ok", "failed", "ignored", "pending"]).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
});

export interface AuditQueryResult {
  count: number;
  truncated: boolean;
  records: AuditRecord[];
}

/**
 * The audit query function, invoked from the console or the CLI: validates the question, answers it from
 * the trail's indexes, and returns the records oldest first.
 */
export const createQueryAuditHandler = (deps: DepsSource<Pick<AuditFunctionDeps, "audit">>) =>
  middy<unknown, AuditQueryResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const parsed = auditQuerySchema.safeParse(event ?? {});
      if (!parsed.success) {
        throw new InvalidWorkflowInput(`not an audit question: ${z.prettifyError(parsed.error)}`, {
          action:
            'send e.g. {"plan": "shop", "from": "2026-11-01T00:00:00Z", "to": "2026-11-02T00:00:00Z"}; keys: plan, executionId, actor, action, outcome, from, to',
        });
      }
      const filter = Object.fromEntries(
        Object.entries(parsed.data).filter(([, value]) => value !== undefined),
      ) as AuditFilter;
      let records: AuditRecord[];
      try {
        records = await (await deps()).audit.query(filter);
      } catch (error) {
        // The index chooser refuses questions it could only answer with a scan.
        if (error instanceof RangeError) throw new InvalidWorkflowInput(error.message);
        throw error;
      }
      logger.info("audit query", { filter, count: records.length });
      return {
        count: records.length,
        truncated: records.length > MAX_RECORDS,
        records: records.slice(0, MAX_RECORDS),
      };
    });

export const handler = createQueryAuditHandler(memoize(productionAuditTrail));
