import { AwsCallError } from "../workflow/workflow-errors.js";
import type { Finding } from "./finding.js";

/** What a check found, judged against what the plan expects. */
export interface Outcome {
  ok: boolean;
  actual: string;
  hint?: string;
}

/**
 * One check, known from the plan before anything is read, so every resource the plan names has a row
 * even when its region does not answer.
 */
export interface CheckSpec {
  check: string;
  resource: string;
  region: string;
  expected: string;
  /** Reads AWS through the ports and judges; throws what the ports throw. */
  run(): Promise<Outcome>;
}

export function pass(actual: string): Outcome {
  return { ok: true, actual };
}

export function gap(actual: string, hint: string): Outcome {
  return { ok: false, actual, hint };
}

export function findingOf(spec: CheckSpec, outcome: Outcome): Finding {
  return {
    check: spec.check,
    resource: spec.resource,
    region: spec.region,
    ok: outcome.ok,
    expected: spec.expected,
    actual: outcome.actual,
    ...(outcome.hint === undefined ? {} : { hint: outcome.hint }),
  };
}

/** AWS's way of saying the resource does not exist (ResourceNotFoundException, NoSuchHealthCheck, …). */
export function isNotFound(error: unknown): boolean {
  return error instanceof AwsCallError && /NotFound|^NoSuch/.test(error.awsErrorName);
}

/** Runs a read once, however many checks ask for it. */
export function once<T>(read: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= read();
    return result;
  };
}
