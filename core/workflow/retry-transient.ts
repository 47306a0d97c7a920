import type { Clock } from "../clock.js";
import { TransientAwsError } from "./workflow-errors.js";

/**
 * Retries throttling and transient AWS errors with exponential backoff on the injected clock. Used where
 * no state machine stands behind the caller to retry it (the detector); workflow steps leave retries to
 * their Task's Retry settings instead.
 */
export async function retryTransient<T>(clock: Clock, call: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof TransientAwsError) || attempt >= attempts) throw error;
      await clock.sleep(200 * 2 ** attempt);
    }
  }
}
