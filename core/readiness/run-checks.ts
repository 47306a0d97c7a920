import type { Clock } from "../clock.js";
import { AwsCallError, TransientAwsError } from "../workflow/workflow-errors.js";
import { type CheckSpec, findingOf } from "./check-spec.js";
import type { Finding } from "./finding.js";
import { accessProblem } from "./readiness-errors.js";

/**
 * How long one region's checks may take before those still waiting count as unreachable. A region whose
 * endpoints accept connections but never answer would otherwise hold the report for as long as the
 * SDK's connection attempts last; every read a region needs fits well within this, retries included.
 */
export const REGION_DEADLINE_MS = 90_000;

/**
 * Runs the checks, each region's concurrently with the others' and within itself, and returns one
 * finding per check in the order given.
 *   - a region that does not answer (timeouts, 5xx, throttling past the SDK's retries, or the deadline)
 *     gives findings marked unreachable, never an exception
 *   - a read the checking identity may not make stops everything with a ReadinessAccessError: it says
 *     nothing about the estate, and every other read would likely fail the same way
 *   - any other AWS refusal is a failed finding naming the error
 */
export async function runChecks(
  specs: readonly CheckSpec[],
  clock: Clock,
  deadlineMs = REGION_DEADLINE_MS,
): Promise<Finding[]> {
  const settled = new Map<CheckSpec, Finding>();
  const regions = [...new Set(specs.map((spec) => spec.region))];
  await Promise.all(
    regions.map((region) =>
      runRegion(
        specs.filter((spec) => spec.region === region),
        settled,
        clock,
        deadlineMs,
      ),
    ),
  );
  // A check still waiting when its region's deadline passed has no finding yet: its region did not answer.
  return specs.map(
    (spec) =>
      settled.get(spec) ??
      unreachable(spec, `no answer within ${deadlineMs / 1000} s`, `${spec.region} did not answer in time`),
  );
}

async function runRegion(
  specs: readonly CheckSpec[],
  settled: Map<CheckSpec, Finding>,
  clock: Clock,
  deadlineMs: number,
): Promise<void> {
  const all = Promise.all(
    specs.map(async (spec) => {
      settled.set(spec, await evaluate(spec));
    }),
  );
  const deadline = new AbortController();
  try {
    await Promise.race([all, clock.sleep(deadlineMs, deadline.signal)]);
  } finally {
    // The deadline's timer must not outlive the checks: it would hold a CLI process or a virtual clock.
    deadline.abort();
  }
}

async function evaluate(spec: CheckSpec): Promise<Finding> {
  try {
    return findingOf(spec, await spec.run());
  } catch (error) {
    const denied = accessProblem(error);
    if (denied) throw denied;
    if (error instanceof TransientAwsError) {
      const name = (error.cause as { name?: string } | undefined)?.name ?? error.name;
      const throttled = /Throttl|TooManyRequests|RequestLimitExceeded/.test(name);
      return unreachable(
        spec,
        throttled ? `throttled (${name})` : `no answer (${name})`,
        throttled
          ? "AWS kept throttling the reads"
          : `AWS did not answer for ${error.resource ?? spec.region}`,
      );
    }
    if (error instanceof AwsCallError) {
      return findingOf(spec, {
        ok: false,
        actual: `AWS refused the read: ${error.awsErrorName}`,
        hint: error.message,
      });
    }
    throw error;
  }
}

function unreachable(spec: CheckSpec, actual: string, why: string): Finding {
  return {
    ...findingOf(spec, {
      ok: false,
      actual,
      hint: `${why}, so what is there is unknown: run the check again, and while ${spec.region} stays unreachable, do not count on it`,
    }),
    unreachable: true,
  };
}
