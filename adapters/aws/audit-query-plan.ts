import type { AuditFilter } from "../../core/ports/audit.js";

/** One DynamoDB Query: which index, its key condition, and what is left to filter. */
export interface AuditQuery {
  indexName?: string;
  keyName: string;
  keyValue: string;
  /** Days to query on the byDay index, one Query each. */
  days?: string[];
}

/** The longest time range answered through the byDay index before a full plan query is cheaper. */
const MAX_DAYS = 31;

/**
 * Picks the most selective index for a question, so no question needs a Scan: one execution, one actor
 * or one action through their indexes, one plan through the table's own key, a time range day by day.
 */
export function planAuditQuery(filter: AuditFilter): AuditQuery {
  if (filter.executionId)
    return { indexName: "byExecution", keyName: "executionId", keyValue: filter.executionId };
  if (filter.actor) return { indexName: "byActor", keyName: "actor", keyValue: filter.actor };
  if (filter.action) return { indexName: "byAction", keyName: "action", keyValue: filter.action };
  if (filter.plan) return { keyName: "plan", keyValue: filter.plan };
  if (filter.from && filter.to) {
    const days = daysBetween(filter.from, filter.to);
    if (days.length <= MAX_DAYS) return { indexName: "byDay", keyName: "day", keyValue: days[0] ?? "", days };
  }
  throw new RangeError(
    "an audit query needs a plan, an execution, an actor, an action, or a time range of at most 31 days",
  );
}

function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const end = new Date(to.slice(0, 10));
  for (
    let day = new Date(from.slice(0, 10));
    day <= end && days.length <= MAX_DAYS;
    day.setUTCDate(day.getUTCDate() + 1)
  ) {
    days.push(day.toISOString().slice(0, 10));
  }
  return days;
}
