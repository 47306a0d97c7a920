import type { AuditRecord } from "../ports/audit.js";
import { callSentence, evidenceSentence } from "./call-sentences.js";
import { decisionSentence } from "./decision-sentences.js";
import type { Said } from "./language.js";
import { both, quoted, type SentenceContext } from "./sentence-parts.js";

export interface TimelineEntry {
  at: string;
  said: Said;
  /** AWS request IDs and CloudTrail event IDs: for the evidence column, never inside the sentence. */
  evidence: Array<{ kind: "request" | "cloudtrail"; id: string }>;
}

/**
 * The run told in sentences, one per thing that happened, oldest first. An AWS call is told once (its
 * outcome; its intent only if no outcome followed). CloudTrail's evidence records arrive minutes later
 * and only link calls to their events: they become evidence of those calls, except the one that names
 * who started the run.
 */
export function timeline(records: readonly AuditRecord[], context: SentenceContext): TimelineEntry[] {
  return records.flatMap((record, index): TimelineEntry[] => {
    const said =
      record.kind === "evidence"
        ? evidenceSentence(record)
        : record.kind === "intent" || record.kind === "outcome"
          ? callSentence(record, context, answeredLater(records, index))
          : wordedOrFallback(decisionSentence(record, context), record);
    if (!said) return [];
    return [{ at: record.at, said, evidence: evidenceOf(record, records) }];
  });
}

function wordedOrFallback(said: Said | null | undefined, record: AuditRecord): Said | undefined {
  if (said === null) return undefined;
  return said ?? fallback(record);
}

function answeredLater(records: readonly AuditRecord[], index: number): boolean {
  const intent = records[index];
  return records
    .slice(index + 1)
    .some(
      (record) =>
        record.kind === "outcome" && record.action === intent?.action && record.resource === intent.resource,
    );
}

function evidenceOf(record: AuditRecord, records: readonly AuditRecord[]): TimelineEntry["evidence"] {
  if (record.kind === "evidence") {
    const event = record.details?.eventId;
    return typeof event === "string" ? [{ kind: "cloudtrail", id: event }] : [];
  }
  if (!record.requestId) return [];
  // The request ID is the key CloudTrail's event shares with the call's record.
  const linked = records.find(
    (candidate) => candidate.kind === "evidence" && candidate.requestId === record.requestId,
  );
  const event = linked?.details?.eventId;
  return [
    { kind: "request", id: record.requestId },
    ...(typeof event === "string" ? [{ kind: "cloudtrail" as const, id: event }] : []),
  ];
}

/** A record this version does not know how to tell (a newer step's): its action in words, and its error. */
function fallback(record: AuditRecord): Said {
  const words = record.action.replace(/[.:_-]+/g, " ");
  const error = record.error?.message;
  return both((l) =>
    l === "ja"
      ? `記録: ${words}${record.resource ? `（${record.resource}）` : ""}${error ? `: ${quoted(error, l)}` : ""}。`
      : `Recorded: ${words}${record.resource ? ` (${record.resource})` : ""}${error ? `: ${quoted(error, l)}` : ""}.`,
  );
}
