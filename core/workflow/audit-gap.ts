import type { AuditEntry, AuditPort } from "../ports/audit.js";

/** The error name the audit adapter gives a failed append; the state machine retries it, then catches it. */
export const AUDIT_WRITE_ERROR = "AuditWriteError";

/** Which record a step could not write, as its failure carries it to the escalation. */
export interface AuditGap {
  /** The workflow step (its function's step name), or "unknown" when the failure does not say. */
  step: string;
  /** The action and kind of the record that is missing from the trail. */
  action?: string;
  kind?: AuditEntry["kind"];
  /** The append's own error message. */
  message: string;
}

/**
 * Step Functions hands a caught error to the next state as Error and Cause only (the Cause is the
 * function's errorMessage, inside Lambda's JSON error document): nothing else of the thrown error
 * survives. So the step and the record go into the message, in one fixed form this module both writes
 * and reads, and the error keeps its name for the Retry and Catch that match on it.
 */
const PREFIX = /^step (\S+) could not write its audit record (\S+) \((\w+)\): ([\s\S]*)$/;

export function auditGapMessage(step: string, entry: Pick<AuditEntry, "action" | "kind">, message: string) {
  return `step ${step} could not write its audit record ${entry.action} (${entry.kind}): ${message}`;
}

/** Reads the gap back out of a caught failure's message; undefined when the failure was not an append's. */
export function auditGapOf(failure: { error: string; message: string }): AuditGap | undefined {
  if (failure.error !== AUDIT_WRITE_ERROR) return undefined;
  const match = PREFIX.exec(failure.message);
  if (!match) return { step: "unknown", message: failure.message };
  const [, step = "unknown", action, kind, message = failure.message] = match;
  return {
    step,
    ...(action ? { action } : {}),
    ...(isKind(kind) ? { kind } : {}),
    message,
  };
}

/**
 * The audit port of one step, whose failed appends say which step and which record: the escalation
 * that catches the failure can then put the gap itself in the trail. Other errors pass unchanged.
 */
export function namingAuditGaps(audit: AuditPort, step: string): AuditPort {
  return {
    async append(entry) {
      try {
        return await audit.append(entry);
      } catch (error) {
        if (error instanceof Error && error.name === AUDIT_WRITE_ERROR && !PREFIX.test(error.message)) {
          error.message = auditGapMessage(step, entry, error.message);
        }
        throw error;
      }
    },
  };
}

function isKind(kind: string | undefined): kind is AuditEntry["kind"] {
  return ["decision", "intent", "outcome", "execution", "evidence"].includes(kind ?? "");
}
