import { readAdvisory, unansweredDetail } from "./advisory-read.js";

/**
 * One check a step made before acting, as it goes into the step's result and audit record. Required
 * checks read the recovery region's own APIs: the step stops when one is not ok, and a failed read is an
 * error the state machine retries. Advisory checks read elsewhere (the failed region, us-east-1's control
 * planes): one that got no answer is recorded as unanswered and never stops the step.
 */
export interface CheckResult {
  name: string;
  ok: boolean;
  required: boolean;
  /** The region of the endpoint the read went to. */
  region: string;
  detail: string;
  /** Advisory only: the read failed or timed out, so the check found nothing either way. */
  unanswered?: true;
}

/** A check stops the step when it found a problem; an advisory read that got no answer found none. */
export function blocks(check: CheckResult): boolean {
  return !check.ok && check.unanswered !== true;
}

/** Runs an advisory read and words its outcome, answered or not, as a check. */
export async function advisoryCheck(
  check: { name: string; region: string },
  read: () => Promise<{ ok: boolean; detail: string }>,
): Promise<CheckResult> {
  const outcome = await readAdvisory(read);
  return outcome.answered
    ? { ...check, required: false, ...outcome.value }
    : {
        ...check,
        required: false,
        ok: false,
        detail: unansweredDetail(outcome.reason),
        unanswered: true,
      };
}
