import type { KirikaeErrorOptions } from "../errors.js";
import { WorkflowError } from "../workflow/workflow-errors.js";

/** A custom step finished with a result other than the one its block expects: the run escalates. */
export class CustomStepResultMismatch extends WorkflowError {
  constructor(
    readonly block: string,
    readonly mismatches: string[],
    options: KirikaeErrorOptions = {},
  ) {
    super(`custom step "${block}" finished with an unexpected result: ${mismatches.join("; ")}`, {
      action: `read the function's result in the audit trail (action lambda:InvokeFunction, step ${block}), fix what it restores, then fail over again or finish by hand`,
      ...options,
    });
    this.name = "CustomStepResultMismatch";
  }
}

/** A custom step's function threw, or kept answering "pending" past its block's timeout. */
export class CustomStepFailed extends WorkflowError {
  constructor(
    readonly block: string,
    message: string,
    options: KirikaeErrorOptions = {},
  ) {
    super(`custom step "${block}" failed: ${message}`, {
      action:
        "read the function's logs and its result in the audit trail, then fail over again or finish by hand",
      ...options,
    });
    this.name = "CustomStepFailed";
  }
}

/** What users would see from the probe never matched what the block expects before its timeout. */
export class HttpProbeFailed extends WorkflowError {
  constructor(
    readonly block: string,
    message: string,
    options: KirikaeErrorOptions = {},
  ) {
    super(`HTTP probe "${block}" did not see the expected answer: ${message}`, {
      action: "open the URL yourself; if the application answers as expected, finish the run by hand",
      ...options,
    });
    this.name = "HttpProbeFailed";
  }
}

/** Capacity (instances, tasks) did not come up before the rollback trigger. */
export class CapacityNotReady extends WorkflowError {
  constructor(message: string, options: KirikaeErrorOptions = {}) {
    super(message, {
      action: "check the group's or service's events in the console (launch failures, quotas, health checks)",
      ...options,
    });
    this.name = "CapacityNotReady";
  }
}
