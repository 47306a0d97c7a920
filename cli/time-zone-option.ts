import { UnknownTimeZone } from "../core/report/report-errors.js";
import { zonedClock } from "../core/report/zoned-time.js";
import { CliUsageError } from "./usage-error.js";

export const TIME_ZONE_HELP =
  "IANA time zone for every time in the reports (default: the plan's home region's, e.g. Asia/Tokyo for ap-northeast-1)";

/** A zone the reports can show times in; a wrong one is a usage error, said before anything runs. */
export function checkedZone(zone: string): string {
  try {
    return zonedClock(zone).zone;
  } catch (error) {
    if (error instanceof UnknownTimeZone) throw new CliUsageError(error.message, error.action ?? "");
    throw error;
  }
}
