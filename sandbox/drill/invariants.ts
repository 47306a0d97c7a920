import { PROBE_TIMEOUT_MS } from "../../adapters/aws/region-clients.js";
import type { AuditRecord } from "../../core/ports/audit.js";
import type { CallRecord } from "../call-history.js";
import type { SandboxExecution } from "../services/sfn-model.js";

export interface InvariantInput {
  /** What DNS answered, sampled each modelled second (sandbox/traffic-sampler.ts). */
  traffic: { nonWriterSeconds: number };
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
