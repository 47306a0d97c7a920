import type { ServiceName } from "./service-model.js";

/** One call the sandbox answered (or refused): the ground truth tests check invariants against. */
export interface CallRecord {
  seq: number;
  at: Date;
  endedAt: Date;
  service: ServiceName;
  region: string;
  operation: string;
  input: Record<string, unknown>;
  principal: string;
  requestId: string;
  mutating: boolean;
  /** The error name when the call failed. */
  error?: string;
  /** Where the estate stood right after the call: which region's cluster is writer, where DNS sends users. */
  after: { writerRegion: string | undefined; trafficRegion: string | undefined };
}
