import { PROBE_TIMEOUT_MS } from "../../adapters/aws/region-clients.js";
import type { AuditRecord } from "../../core/ports/audit.js";
import type { CallRecord } from "../call-history.js";
import type { WriterInterval } from "../services/rds-write-history.js";
import type { SandboxExecution } from "../services/sfn-model.js";
import type { ReachedSpan } from "../traffic-sampler.js";

export interface InvariantInput {
  /** What DNS answered, sampled each modelled second (sandbox/traffic-sampler.ts). */
  traffic: { nonWriterSeconds: number; reached: readonly ReachedSpan[] };
  /** Which clusters accepted writes, when (RdsModel.writerHistory), the primary's and any stale one's. */
  /** Each of the plan's global databases' writer history: every one must have one writer at a time. */
  writers: readonly (readonly WriterInterval[])[];
  calls: readonly CallRecord[];
  executions: readonly SandboxExecution[];
  records: readonly AuditRecord[];
  kirikaePrincipals: readonly string[];
  downRegions: readonly string[];
  /** When the down regions came back (the end of the incident), if they did. */
  downUntil?: Date;
  expectedExecutions: number;
}

/**
 * The design's safety invariants, judged from the sandbox's ground truth (every call it answered, and what
 * DNS answered each second), so a workflow cannot pass by reporting success it did not achieve.
 * Invariant 1 is judged on DNS answers rather than on kirikae's record changes, because health checks
 * move traffic too: no second in which any record sent users to a region whose cluster was not the writer.
 */
export function checkInvariants(input: InvariantInput): Record<string, boolean> {
  return {
    trafficOnlyToWriter: input.traffic.nonWriterSeconds === 0,
    oneWorkflowAtATime: oneWorkflowAtATime(input.executions, input.expectedExecutions),
    everyMutationAudited: everyMutationAudited(input),
    failedRegionOffCriticalPath: failedRegionOffCriticalPath(input),
    oneWriter: input.writers.every(
      (history) => oneWriterConflicts(history, input.traffic.reached).length === 0,
    ),
  };
}

/** Invariant 2: executions never overlap, and no more started than the incident warrants. */
function oneWorkflowAtATime(executions: readonly SandboxExecution[], expected: number): boolean {
  if (executions.length > Math.max(expected, 1)) return false;
  const sorted = [...executions].sort((a, b) => a.startDate.getTime() - b.startDate.getTime());
  return sorted.every((execution, index) => {
    const next = sorted[index + 1];
    return !next || (execution.stopDate !== undefined && execution.stopDate <= next.startDate);
  });
}

/** Invariant 3: every mutating call by kirikae has an intent record before it and an outcome with its request ID. */
function everyMutationAudited(input: InvariantInput): boolean {
  const mutations = input.calls.filter(
    (call) => call.mutating && input.kirikaePrincipals.includes(call.principal),
  );
  return mutations.every((call) => {
    const outcome = input.records.find(
      (record) => record.kind === "outcome" && record.requestId === call.requestId,
    );
    if (!outcome && call.error === undefined) return false;
    const intent = input.records.find(
      (record) =>
        record.kind === "intent" &&
        record.action.endsWith(`:${call.operation}`) &&
        record.at <= call.at.toISOString(),
    );
    return intent !== undefined;
  });
}

/** Invariant 5: the failed region only ever saw best-effort reads that gave up within the probe timeout. */
function failedRegionOffCriticalPath(input: InvariantInput): boolean {
  return input.calls
    .filter(
      (call) => input.downRegions.includes(call.region) && input.kirikaePrincipals.includes(call.principal),
    )
    .filter((call) => !input.downUntil || call.at < input.downUntil)
    .every(
      (call) => !call.mutating && call.endedAt.getTime() - call.at.getTime() <= PROBE_TIMEOUT_MS + 1_000,
    );
}

export interface WriterConflict {
  at: Date;
  /** The regions users reached whose clusters accepted writes then. */
  regions: string[];
  why: string;
}

/**
 * Invariant 7, judged on two ground truths: which clusters accepted writes (the RDS model's history) and
 * which regions DNS sent users to that served them (the sampler's). A split brain is writes landing in two
 * places, so it is judged where users could write: at no instant may users reach a region whose cluster
 * accepts writes without being the primary (an old primary Aurora has not fenced yet), nor two regions
 * whose clusters both accept writes; and the model may never show two primaries at once. A stale writer
 * that no user reaches takes no writes: Aurora's fencing is best effort (it may accept writes for a while
 * after its region returns), so that much is AWS's to answer for, and keeping users away is kirikae's.
 * Users sent to a secondary reach a read-only database: that is invariant 1's concern, not this one's.
 */
export function oneWriterConflicts(
  writers: readonly WriterInterval[],
  reached: readonly ReachedSpan[],
): WriterConflict[] {
  const instants = [
    ...new Set(
      [
        ...writers.flatMap((span) => [span.from, span.until ?? span.from]),
        ...reached.map((span) => span.from),
      ].map((at) => at.getTime()),
    ),
  ].sort((a, b) => a - b);
  const conflicts: WriterConflict[] = [];
  for (const ms of instants) {
    const at = new Date(ms);
    const accepting = writers.filter(
      (span) => span.from <= at && (span.until === undefined || at < span.until),
    );
    const primaries = new Set(
      accepting.filter((span) => span.role === "primary").map((span) => span.clusterArn),
    );
    if (primaries.size > 1) {
      conflicts.push({ at, regions: [], why: `${primaries.size} clusters were the primary at once` });
    }
    const users = reachedAt(reached, at);
    const reachedWriters = accepting.filter((span) => users.includes(span.region));
    const regions = [...new Set(reachedWriters.map((span) => span.region))];
    const stale = reachedWriters.find((span) => span.role === "stale");
    if (stale) {
      conflicts.push({
        at,
        regions,
        why: `users reached ${stale.region}, whose old primary still accepted writes after the failover`,
      });
    } else if (regions.length > 1) {
      conflicts.push({ at, regions, why: `users reached ${regions.join(" and ")}, each accepting writes` });
    }
  }
  return conflicts;
}

function reachedAt(reached: readonly ReachedSpan[], at: Date): string[] {
  let regions: string[] = [];
  for (const span of reached) {
    if (span.from > at) break;
    regions = span.regions;
  }
  return regions;
}
