import type { Plan } from "../plan/schema.js";
import type { MutationReceipt } from "./global-database.js";

/** One gate's wanted state: open lets Route 53 answer with the region, closed keeps users away from it. */
export interface GateChange {
  region: string;
  open: boolean;
}

/**
 * The gates of a plan's failover records, changed through regional endpoints (data plane), never through
 * Route 53's API in us-east-1.
 */
export interface TrafficGatesPort {
  /**
   * Sets every listed gate in one request, so no DNS answer is computed from half a change. Resolves with
   * the request ID and the region of the endpoint that took it.
   */
  set(plan: Plan, changes: GateChange[]): Promise<MutationReceipt & { endpointRegion: string }>;
}
