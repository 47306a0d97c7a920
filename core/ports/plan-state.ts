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
  /**
   * How the last completed workflow made its target the writer: "failover" is Aurora's FailoverGlobalCluster
   * with AllowDataLoss, after which the old primary may come back claiming writer (DESIGN, invariant 7).
   */
  lastPromotion?: PromotionMode;
  /** When the region that failover left was fenced (scaled to standby) on its return; cleared by the next run. */
  fencedAt?: string;
}

/** Aurora's two ways of moving the writer: in order (no data loss), or with AllowDataLoss. */
export type PromotionMode = "switchover" | "failover";

/** What a completed workflow leaves on the plan's state as it releases the lock. */
export interface WorkflowResult {
  endedAt?: string;
  activeRegion?: string;
  /** Recorded only by a run that promoted; it also clears the previous run's `fencedAt`. */
  promotion?: PromotionMode;
}

/** What the scheduled fencing reads and writes: the state, and its once-only mark. */
export interface FencingStatePort {
  get(plan: string): Promise<PlanRuntimeState>;
  /**
   * Marks the plan's returned region as fenced, once: a conditional write that succeeds only while the
   * plan still runs in `activeRegion` after a data-loss failover, unfenced, with no workflow holding its
   * lock (or only an expired lease at `now`). False when any of that no longer holds.
   */
  markFenced(plan: string, fence: { at: string; activeRegion: string; now: string }): Promise<boolean>;
}

/**
 * What a paused failover asks: "failover", whether to start at all (a plan in approval mode);
 * "data-loss", whether to fail over losing more writes than the RPO allows, or an unknown amount.
 */
export type ApprovalQuestion = "failover" | "data-loss";

/** A failover waiting for a person: the Step Functions task token that resumes or stops it. */
export interface PendingApproval {
  /** Absent on approvals kept before data-loss questions existed: those were all "failover". */
  question?: ApprovalQuestion;
  executionId: string;
  taskToken: string;
  requestedAt: string;
  /** Past this the workflow stops waiting and aborts, having changed nothing. */
  expiresAt: string;
  /** What the approver is asked to judge: the signal and the pre-check result, or what a failover loses. */
  summary: string;
}

/**
 * The request the detector issued for one execution, kept where only kirikae's roles write: the first
 * step accepts an alarm-triggered request only when it is this one, under this execution name, so a
 * person cannot start a failover the trail would attribute to an alarm (DESIGN, invariant 6).
 */
export interface DetectorRequestRecord {
  executionName: string;
  /** The execution input the detector built from the alarm event, as it passed it to StartExecution. */
  request: unknown;
  /** The region of the state machine the detector started it on. */
  region: string;
  recordedAt: string;
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
  releaseLock(plan: string, holder: string, result: WorkflowResult): Promise<void>;
  /** Records that the plan's running failover waits for approval (one question at a time). */
  awaitApproval(plan: string, approval: PendingApproval): Promise<void>;
  /**
   * Takes the pending approval away, atomically: of two people answering at once exactly one gets it,
   * the other undefined. Undefined too when nothing waits.
   */
  takeApproval(plan: string): Promise<PendingApproval | undefined>;
  /**
   * Records the request the detector is about to start, before StartExecution. The first record for an
   * execution name stands: a redelivered event builds the same request byte for byte, and nothing may
   * replace the request an execution was started with.
   */
  recordDetectorRequest(plan: string, record: DetectorRequestRecord): Promise<void>;
  /** The detector's record for an execution name, or undefined when the detector started no such execution. */
  detectorRequest(plan: string, executionName: string): Promise<DetectorRequestRecord | undefined>;
}
