import { createHash } from "node:crypto";

/** Step Functions refuses longer execution names (StartExecution, `name`: 1-80 characters). */
export const EXECUTION_NAME_MAX_LENGTH = 80;

/**
 * The name of the failover started for one ALARM episode of one trigger alarm:
 * `<plan>-failover-<yyyymmddThhmmss>-<hash>`. Only the plan, the alarm and the alarm's state-change time go
 * in (CloudWatch keeps that time for as long as the alarm stays in ALARM), so every delivery of the
 * episode's event, on every attempt, names the same execution and StartExecution's idempotency absorbs
 * the duplicates. The short hash of the alarm keeps two alarms of one plan that fire in the same second
 * apart: the second then meets the first one's lock instead of a failed StartExecution.
 * A plan name is at most 40 characters, so the name stays within 74.
 */
export function signalExecutionName(
  plan: string,
  alarm: { region: string; name: string },
  stateChangedAt: string,
): string {
  const second = new Date(stateChangedAt).toISOString().replace(/[-:]/g, "").slice(0, 15);
  const alarmHash = createHash("sha256").update(`${alarm.region}/${alarm.name}`).digest("hex").slice(0, 8);
  return `${plan}-failover-${second}-${alarmHash}`.slice(0, EXECUTION_NAME_MAX_LENGTH);
}
