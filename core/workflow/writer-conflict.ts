import type { KirikaeErrorOptions } from "../errors.js";
import { WorkflowError } from "./workflow-errors.js";

/**
 * Invariant 7's alarm: more than one member of the global database claims the writer role. After a
 * data-loss failover Aurora fences the old primary only on a best-effort basis, so a returning region may
 * take writes for a while; nothing may be routed there, and a person must decide which writes to keep.
 */
export class WriterConflict extends WorkflowError {
  constructor(
    readonly writers: readonly string[],
    options: KirikaeErrorOptions = {},
  ) {
    super(`${writers.length} clusters claim the writer role: ${writers.join(", ")}`, {
      action:
        "keep traffic away from every cluster but the intended writer (its gate closed), wait for Aurora to rebuild the old primary as a secondary, and reconcile any writes it accepted",
      ...options,
    });
    this.name = "WriterConflict";
  }
}
