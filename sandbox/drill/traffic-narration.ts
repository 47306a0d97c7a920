import type { TrafficSnapshot } from "../traffic-sampler.js";

/** A line of the drill's live narration: where each record now sends users, and whether writes can land there. */
export function describeTraffic(snapshot: TrafficSnapshot): string {
  const writer = snapshot.writerRegion;
  const answers = Object.entries(snapshot.records)
    .map(([name, regions]) => `${name} → ${regions.length === 0 ? "no region" : regions.join(" + ")}`)
    .join(", ");
  if (writer === undefined) return `DNS: ${answers}; no cluster is the writer (promotion under way)`;
  const astray = Object.values(snapshot.records).some((regions) =>
    regions.some((region) => region !== writer && snapshot.serving.includes(region)),
  );
  return `DNS: ${answers}; writer ${writer}${astray ? " (users sent to a region that cannot take writes)" : ""}`;
}
