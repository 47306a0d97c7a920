export type WorkflowKind = "failover" | "failback";

export interface WorkflowLock {
  /** The execution name holding the lock. */
  holder: string;
  kind: WorkflowKind;
  acquiredAt: string;
  /** A crashed workflow cannot hold a plan forever: past this the lock may be taken over. */
  leaseUntil: string;
}

export interface PlanRuntimeState {
  plan: string;
  /** Where the plan serves traffic now, as kirikae last switched it. */
  activeRegion?: string;
  lock?: WorkflowLock;
  lastWorkflowEndedAt?: string;
  /** A failover paused until a person approves or rejects it. */
  pendingApproval?: PendingApproval;
}

/** A failover waiting for a person: the Step Functions task token that resumes or stops it. */
export interface PendingApproval {
  executionId: string;
  taskToken: string;
  requestedAt: string;
  /** Past this the workflow stops waiting and aborts, having changed nothing. */
  expiresAt: string;
  /** What the approver is asked to judge: the signal and the pre-check result. */
  summary: string;
}

/** The plan's runtime state and its single-workflow lock (invariant 2). */
export interface PlanStatePort {
  get(plan: string): Promise<PlanRuntimeState>;
  /** Takes the lock if it is free, its lease ran out, or `lock.holder` holds it; false if another does. */
  acquireLock(plan: string, lock: WorkflowLock, now: string): Promise<boolean>;
  /**
   * As acquireLock, saying which way it went: "taken" from nobody (or from an expired lease), "held"
   * when `lock.holder` already had it, "refused" when another holds it. Of concurrent takers under one
   * name exactly one gets "taken".
   */
  takeLock(plan: string, lock: WorkflowLock, now: string): Promise<"taken" | "held" | "refused">;
  /**
   * Releases the lock held by `holder`, recording where traffic now is. Without `endedAt` no run counts
   * as ended, so no cooldown starts: for a run that changed nothing (a flapping alarm) or never started.
   */
  releaseLock(
    plan: string,
    holder: string,
    result: { endedAt?: string; activeRegion?: string },
  ): Promise<void>;
  /** Records that the plan's running failover waits for approval. */
  awaitApproval(plan: string, approval: PendingApproval): Promise<void>;
  /**
   * Takes the pending approval away, atomically: of two people answering at once exactly one gets it,
   * the other undefined. Undefined too when nothing waits.
   */
  takeApproval(plan: string): Promise<PendingApproval | undefined>;
}
