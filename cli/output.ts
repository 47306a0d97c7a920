import { KirikaeError } from "../core/errors.js";
import { PlanError } from "../core/plan/plan-errors.js";
import type { PlanIssue } from "../core/plan/plan-rules.js";

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
 * What a failed command prints on stderr. Expected failures (KirikaeErrors) are a sentence with what to
 * do; anything else is a bug or an environment problem, whose stack only helps with --debug, since to
 * everyone else a stack reads as "the tool crashed" and hides the one line that matters.
 */
export function formatFailure(error: unknown, options: { debug: boolean }): string {
  let text: string;
  if (error instanceof PlanError) {
    text = `${formatPlanError(error)}${error.action ? `  what to do: ${error.action}\n` : ""}`;
  } else if (error instanceof KirikaeError) {
    text = `✗ ${error.describe()}\n`;
  } else {
    text =
      `✗ unexpected error: ${error instanceof Error ? error.message : String(error)}\n` +
      (options.debug ? "" : "  run again with --debug to see where it happened\n");
  }
  return options.debug ? `${text}${stackTrace(error)}` : text;
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
