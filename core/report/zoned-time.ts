import { UnknownTimeZone } from "./report-errors.js";

/** One instant as a wall clock of the report's zone shows it. */
export interface ZonedParts {
  /** "2026-01-01" */
  date: string;
  /** "09:01:30" */
  time: string;
  /** "UTC+09:00": the zone's offset at that instant (it changes with summer time). */
  offset: string;
}

export interface ZonedClock {
  /** The zone's canonical IANA name, e.g. "Asia/Tokyo" for "asia/tokyo". */
  zone: string;
  parts(iso: string): ZonedParts;
  /** "2026-01-01 09:01:30 UTC+09:00" */
  dateTime(iso: string): string;
  /** The instant as a wall-clock time in milliseconds: what a chart's axis lays out in local minutes. */
  wallMs(ms: number): number;
}

/**
 * Times in a named zone through the platform's own time-zone database (Intl), so the report needs no
 * dependency and follows summer-time rules as the system knows them.
 */
export function zonedClock(zone: string): ZonedClock {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  } catch (error) {
    throw new UnknownTimeZone(zone, { cause: error });
  }
  const wallMs = (ms: number): number => {
    const fields: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(ms))) {
      if (part.type !== "literal") fields[part.type] = Number(part.value);
    }
    const wall = Date.UTC(
      fields.year ?? 1970,
      (fields.month ?? 1) - 1,
      fields.day ?? 1,
      fields.hour ?? 0,
      fields.minute ?? 0,
      fields.second ?? 0,
    );
    return wall + (ms - Math.floor(ms / 1000) * 1000);
  };
  const parts = (iso: string): ZonedParts => {
    const ms = Date.parse(iso);
    const wall = wallMs(ms);
    const text = new Date(wall).toISOString();
    return { date: text.slice(0, 10), time: text.slice(11, 19), offset: utcOffset(wall - ms) };
  };
  return {
    zone: format.resolvedOptions().timeZone,
    parts,
    dateTime: (iso) => {
      const { date, time, offset } = parts(iso);
      return `${date} ${time} ${offset}`;
    },
    wallMs,
  };
}

/** "UTC+09:00", "UTC-04:00", "UTC+05:30", "UTC+00:00". */
export function utcOffset(offsetMs: number): string {
  const minutes = Math.round(offsetMs / 60_000);
  const sign = minutes < 0 ? "-" : "+";
  const absolute = Math.abs(minutes);
  const hours = String(Math.floor(absolute / 60)).padStart(2, "0");
  return `UTC${sign}${hours}:${String(absolute % 60).padStart(2, "0")}`;
}
