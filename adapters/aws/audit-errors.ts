import { KirikaeError, type KirikaeErrorOptions } from "../../core/errors.js";

/** The audit trail could not be written; a workflow stops rather than act unaudited (invariant 3). */
export class AuditWriteError extends KirikaeError {
  constructor(message: string, options: KirikaeErrorOptions = {}) {
    super(message, {
      action: "check the audit table exists and the function's role may PutItem on it",
      ...options,
    });
    this.name = "AuditWriteError";
  }
}
