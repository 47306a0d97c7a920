import { KirikaeError, type KirikaeErrorOptions } from "../errors.js";

/**
 * Errors a workflow step throws. Their `name` is the contract with the state machine: Retry matches
 * TransientAwsError, Catch routes everything else to escalation.
 */
export class WorkflowError extends KirikaeError {
  constructor(message: string, options: KirikaeErrorOptions = {}) {
    super(message, options);
    this.name = "WorkflowError";
  }
}

/** Throttling, 5xx, timeouts: safe to retry with backoff because every step re-reads state first. */
export class TransientAwsError extends WorkflowError {
  constructor(message: string, options: KirikaeErrorOptions = {}) {
    super(message, { action: "nothing: the workflow retries this with backoff", ...options });
    this.name = "TransientAwsError";
  }
}

/** AWS refused a call for a reason retrying will not fix (access denied, invalid state, validation). */
export class AwsCallError extends WorkflowError {
  constructor(
    message: string,
    readonly awsErrorName: string,
    options: KirikaeErrorOptions = {},
  ) {
    super(message, options);
    this.name = "AwsCallError";
  }
}

export class RollbackTriggerExceeded extends WorkflowError {
  constructor(deadline: Date, options: KirikaeErrorOptions = {}) {
    super(
      `the workflow passed its rollback trigger at ${deadline.toISOString()} and stops without moving traffic`,
      {
        action: "investigate the stuck step, then finish by hand or start the workflow again",
        ...options,
      },
    );
    this.name = "RollbackTriggerExceeded";
  }
}

/** The old primary was not judged alive, and the plan's data-loss policy does not allow a failover now. */
export class DataLossNotAllowed extends WorkflowError {
  constructor(options: KirikaeErrorOptions & { reason?: string } = {}) {
    const { reason, ...rest } = options;
    super(
      `no failover with data loss: ${reason ?? "the old primary does not answer and the plan does not allow losing writes"}`,
      {
        action:
          "restore the old primary (kirikae then switches over with no data loss), or set database.dataLoss in the plan to what losing unreplicated writes is worth (see the README's decision table)",
        ...rest,
      },
    );
    this.name = "DataLossNotAllowed";
  }
}

/** Invariant 1's guard: traffic never moves to a region whose cluster is not the writer. */
export class WriterNotConfirmed extends WorkflowError {
  constructor(region: string, options: KirikaeErrorOptions = {}) {
    super(
      `the cluster in ${region} is not confirmed as the global database's writer; traffic was not moved`,
      {
        action: "check the global database in the RDS console; promote the cluster before switching traffic",
        ...options,
      },
    );
    this.name = "WriterNotConfirmed";
  }
}

/** Aurora ended a switchover with the old writer still writer; the gates were moved back to it. */
export class SwitchoverNotCompleted extends WorkflowError {
  constructor(targetArn: string, options: KirikaeErrorOptions = {}) {
    super(`the switchover to ${targetArn} ended without making it the writer; traffic was moved back`, {
      action: "read the global database's events in the RDS console, then start the workflow again",
      resource: targetArn,
      ...options,
    });
    this.name = "SwitchoverNotCompleted";
  }
}

export class InvalidWorkflowInput extends WorkflowError {
  constructor(message: string, options: KirikaeErrorOptions = {}) {
    super(message, options);
    this.name = "InvalidWorkflowInput";
  }
}
