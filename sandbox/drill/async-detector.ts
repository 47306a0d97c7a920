import type { DetectorResult } from "../../functions/detect-alarm.js";
import type { AccountLimiter } from "../account-limits.js";
import type { SandboxControlPlane } from "../sandbox-control-plane.js";
import type { VirtualClock } from "../virtual-clock.js";

/**
 * How Lambda runs an event EventBridge hands it (asynchronous invocation), after the Lambda developer
 * guide, "Asynchronous invocation" and "Configuring error handling for asynchronous invocation"
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html): an event that finds no free
 * concurrency is throttled and returned to the queue, retried "for up to 6 hours", the interval growing
 * "exponentially from 1 second after the first attempt to a maximum of 5 minutes"; a function error is
 * retried twice, about one and two minutes later (AWS-FACTS.md), then given up (to the dead-letter queue).
 */
const THROTTLED_FIRST_RETRY_MS = 1_000;
const THROTTLED_MAX_INTERVAL_MS = 5 * 60_000;
const THROTTLED_GIVE_UP_MS = 6 * 3600_000;
const ERROR_RETRY_DELAYS_MS = [60_000, 120_000];

export interface AsyncDetectorOptions {
  controlPlane: Pick<SandboxControlPlane, "deliver" | "region">;
  limiter: AccountLimiter;
  clock: VirtualClock;
  /** The account the control plane runs in: its Lambda concurrency is the one the detector draws on. */
  account: string;
}

/** Delivers one alarm event to the detector as Lambda would: within the account's concurrency, with retries. */
export async function deliverAsynchronously(
  options: AsyncDetectorOptions,
  event: unknown,
): Promise<DetectorResult> {
  const { controlPlane, limiter, clock, account } = options;
  const queuedAt = clock.now().getTime();
  let throttledWait = THROTTLED_FIRST_RETRY_MS;
  let errors = 0;
  for (;;) {
    const release = limiter.acquireLambda(account, controlPlane.region);
    if (!release) {
      limiter.count("lambda:Invoke (asynchronous)");
      if (clock.now().getTime() - queuedAt > THROTTLED_GIVE_UP_MS) {
        throw new Error("Lambda gave up on the alarm event: throttled for 6 hours");
      }
      await clock.sleep(throttledWait);
      throttledWait = Math.min(THROTTLED_MAX_INTERVAL_MS, throttledWait * 2);
      continue;
    }
    try {
      return await controlPlane.deliver(event);
    } catch (error) {
      const delay = ERROR_RETRY_DELAYS_MS[errors++];
      if (delay === undefined) throw error;
      release();
      await clock.sleep(delay);
    } finally {
      release();
    }
  }
}
