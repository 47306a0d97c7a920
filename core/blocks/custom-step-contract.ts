/**
 * What a plan's custom Lambda step receives and returns: the contract an estate's own restore functions
 * (a Velero restore, an Elasticsearch snapshot restore) implement to run inside a kirikae workflow.
 *
 * The function is invoked synchronously, and again each time it answers `status: "pending"` (after
 * `pollAfterSeconds`, default 15), with its previous answer as `previous`: long work is started on the
 * first call and checked on the next ones, so no invocation waits out a restore. Any other answer is the
 * step's result, compared with the block's `expectedResult`.
 */
export interface CustomStepEvent {
  kirikae: 1;
  plan: string;
  direction: "failover" | "failback";
  sourceRegion: string;
  targetRegion: string;
  executionId: string;
  /** The block's id in the plan. */
  step: string;
  /** 1 on the first call, then one more per poll. */
  attempt: number;
  /** The function's own previous answer, when it answered "pending". */
  previous?: Record<string, unknown>;
  /** The block's `input`, as the plan gives it. */
  input: Record<string, unknown>;
}

export interface CustomStepPending {
  status: "pending";
  pollAfterSeconds?: number;
  [field: string]: unknown;
}

/** Anything else the function returns; it is kept in the audit trail as the step's result. */
export type CustomStepAnswer = CustomStepPending | Record<string, unknown>;

export function isPending(answer: CustomStepAnswer): answer is CustomStepPending {
  return answer.status === "pending";
}
