import type { z } from "zod";
import { lenientPlanView } from "./lenient-plan-view.js";
import { checkPlanRules, type PlanIssue } from "./plan-rules.js";
import { type Plan, planSchema } from "./schema.js";

export type PlanValidation = { ok: true; plan: Plan } | { ok: false; issues: PlanIssue[] };

/** Validates a parsed document: every problem at once, each with its path, never a thrown stack. */
export function validatePlan(written: unknown): PlanValidation {
  const document = writtenDocumentOf(written);
  const parsed = planSchema.safeParse(document);
  if (!parsed.success) {
    const schemaIssues = parsed.error.issues.map(toPlanIssue);
    const reported = new Set(schemaIssues.map((issue) => issue.path));
    const ruleIssues = checkPlanRules(lenientPlanView(document)).filter((issue) => !reported.has(issue.path));
    return { ok: false, issues: [...schemaIssues, ...ruleIssues] };
  }
  const issues = checkPlanRules(parsed.data);
  return issues.length === 0 ? { ok: true, plan: parsed.data } : { ok: false, issues };
}

/**
 * Where definePlan keeps the document a parsed plan came from. A global symbol: a plan module may load
 * definePlan through another path than the loader does, and both must agree.
 */
export const WRITTEN_PLAN = Symbol.for("kirikae.writtenPlan");

function writtenDocumentOf(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  return (value as { [WRITTEN_PLAN]?: unknown })[WRITTEN_PLAN] ?? value;
}

function toPlanIssue(issue: z.core.$ZodIssue): PlanIssue {
  const path = formatPath(issue.path);
  const hint = hintFor(issue);
  return hint === undefined ? { path, message: issue.message } : { path, message: issue.message, hint };
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(plan)";
  return path
    .map((key, index) =>
      typeof key === "number" ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`,
    )
    .join("");
}

function hintFor(issue: z.core.$ZodIssue): string | undefined {
  switch (issue.code) {
    case "unrecognized_keys":
      return "remove the field or check its spelling against the plan reference in the README";
    case "invalid_type":
      return issue.input === undefined ? "this field is required" : `expected ${issue.expected}`;
    case "invalid_value":
      return `one of: ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    default:
      return undefined;
  }
}
