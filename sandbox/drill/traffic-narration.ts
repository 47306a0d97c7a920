import type { TrafficSnapshot } from "../traffic-sampler.js";

/** Past this many records a line counts them by where they send users, instead of naming each. */
export const RECORDS_NAMED_ONE_BY_ONE = 5;

/** A line of the drill's live narration: where each record now sends users, and whether writes can land there. */
export function describeTraffic(snapshot: TrafficSnapshot): string {
  const writer = snapshot.writerRegion;
  const answers = recordAnswers(
    Object.entries(snapshot.records).map(([name, regions]) => [
      name,
      regions.length === 0 ? "no region" : regions.join(" + "),
    ]),
  ).join(", ");
  if (writer === undefined) return `DNS: ${answers}; no cluster is the writer (promotion under way)`;
  const astray = Object.values(snapshot.records).some((regions) =>
    regions.some((region) => region !== writer && snapshot.serving.includes(region)),
  );
  return `DNS: ${answers}; writer ${writer}${astray ? " (users sent to a region that cannot take writes)" : ""}`;
}

/**
 * "name → where" for each record of a small plan; for a large one, how many records send users where
 * ("200 records → eu-west-1"), so a line stays readable at hundreds of records.
 */
export function recordAnswers(records: ReadonlyArray<readonly [string, string]>): string[] {
  if (records.length <= RECORDS_NAMED_ONE_BY_ONE) return records.map(([name, where]) => `${name} → ${where}`);
  const counts = new Map<string, number>();
  for (const [, where] of records) counts.set(where, (counts.get(where) ?? 0) + 1);
  return [...counts].map(([where, count]) => `${count} record${count === 1 ? "" : "s"} → ${where}`);
}
