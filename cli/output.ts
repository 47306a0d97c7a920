import { PlanError } from "../core/plan/plan-errors.js";
import type { PlanIssue } from "../core/plan/plan-rules.js";
import { type DescribedFailure, describeFailure } from "./cli-failure.js";

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** One `  path: message` line per issue, each followed by its `    hint:` line when it has one. */
export function formatIssues(issues: readonly PlanIssue[]): string {
  return issues
    .map((issue) => `  ${issue.path}: ${issue.message}\n${issue.hint ? `    hint: ${issue.hint}\n` : ""}`)
    .join("");
}

/** A PlanError as a person reads it: what failed, every issue where it is, and how many. */
export function formatPlanError(error: PlanError): string {
  const count = error.issues.length > 0 ? `${plural(error.issues.length, "problem")} found\n` : "";
  return `✗ ${error.message}\n${formatIssues(error.issues)}${count}`;
}

/**
 * What a failed command prints on stderr: one line, what happened and what to do (a plan's issues are
 * listed under it, one per line). A stack trace only with --debug, since to everyone else a stack reads
 * as "the tool crashed" and hides the one line that matters.
 */
export function formatFailure(
  error: unknown,
  options: { debug: boolean; failure?: DescribedFailure },
): string {
  const failure = options.failure ?? describeFailure(error);
  let text: string;
  if (error instanceof PlanError) {
    text = `${formatPlanError(error)}${error.action ? `  what to do: ${error.action}\n` : ""}`;
  } else {
    text = `✗ ${failure.message}${failure.hint ? `; ${failure.hint}` : ""}\n`;
  }
  if (!options.debug) return text;
  return `${text}${failure.requestId ? `  AWS request ID: ${failure.requestId}\n` : ""}${stackTrace(error)}`;
}

/** What a failed command prints on stdout with --json: one document, whatever failed. */
export function failureDocument(failure: DescribedFailure, extra: Record<string, unknown> = {}): string {
  const { code, message, hint, requestId, issues } = failure;
  return `${JSON.stringify({
    ok: false,
    ...extra,
    error: { code, message, hint, ...(requestId ? { requestId } : {}) },
    ...(issues ? { issues } : {}),
  })}\n`;
}

/** The stack of the error and of each error in its `cause` chain. */
function stackTrace(error: unknown): string {
  const lines: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    lines.push(
      `${lines.length === 0 ? "" : "caused by: "}${current.stack ?? `${current.name}: ${current.message}`}`,
    );
    current = current.cause;
  }
  if (lines.length === 0) return "";
  return `${lines.join("\n")}\n`;
}
