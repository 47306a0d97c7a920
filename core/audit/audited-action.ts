import { KirikaeError } from "../errors.js";
import type { AuditEntry } from "../ports/audit.js";
import type { MutationReceipt } from "../ports/global-database.js";
import { type AuditScope, auditBase } from "../workflow/step-context.js";

export interface ActionDescription {
  /** The AWS action, e.g. "rds:SwitchoverGlobalCluster". */
  action: string;
  resource: string;
  /** The region whose endpoint the call goes to. */
  region: string;
  before?: unknown;
  after?: unknown;
  details?: Record<string, unknown>;
}

/**
 * Runs one mutating AWS call between two audit records (invariant 3): the intent is written before the
 * call, so a crash mid-call still leaves a trace, and the outcome after it, holding the AWS request ID
 * that CloudTrail's event carries too.
 */
export async function auditedAction<T extends MutationReceipt>(
  context: AuditScope,
  description: ActionDescription,
  call: () => Promise<T>,
): Promise<T> {
  const { action, resource, region, before, after, details } = description;
  const record = (entry: Pick<AuditEntry, "kind" | "outcome"> & Partial<AuditEntry>) =>
    context.audit.append({ ...auditBase(context), action, resource, region, ...entry });
  await record({
    kind: "intent",
    outcome: "pending",
    ...(before === undefined ? {} : { before }),
    ...(details === undefined ? {} : { details }),
  });
  try {
    const receipt = await call();
    // A call tried at several endpoints in turn is recorded where it landed: CloudTrail's event is there.
    const landedIn = (receipt as { endpointRegion?: unknown }).endpointRegion;
    await record({
      kind: "outcome",
      outcome: "ok",
      requestId: receipt.requestId,
      ...(typeof landedIn === "string" ? { region: landedIn } : {}),
      ...(after === undefined ? {} : { after }),
    });
    return receipt;
  } catch (error) {
    const requestId = error instanceof KirikaeError ? error.requestId : undefined;
    await record({
      kind: "outcome",
      outcome: "failed",
      ...(requestId === undefined ? {} : { requestId }),
      error: { name: errorName(error), message: error instanceof Error ? error.message : String(error) },
    });
    throw error;
  }
}

function errorName(error: unknown): string {
  if (error instanceof KirikaeError && "awsErrorName" in error) return String(error.awsErrorName);
  return error instanceof Error ? error.name : "UnknownError";
}

/** A decision the workflow took (no AWS mutation): what it decided about which resource, and why. */
export async function recordDecision(
  context: AuditScope,
  decision: Pick<AuditEntry, "action" | "resource"> &
    Partial<Pick<AuditEntry, "outcome" | "after" | "details">>,
): Promise<void> {
  await context.audit.append({ ...auditBase(context), kind: "decision", outcome: "ok", ...decision });
}
