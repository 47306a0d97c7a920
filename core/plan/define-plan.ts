import { PlanError } from "./plan-errors.js";
import type { Plan, PlanInput } from "./schema.js";
import { validatePlan, WRITTEN_PLAN } from "./validate-plan.js";

/**
 * Typed entry point for plans written in TypeScript: the editor checks the shape, and the same schema
 * as for JSON files checks the values and cross-field rules when the module loads.
 */
export function definePlan(input: PlanInput): Plan {
  const result = validatePlan(input);
  if (!result.ok) throw new PlanError(`plan "${String(input.name)}" is invalid`, result.issues);
  // The parsed plan is not a document (it carries its derived views); keep what was written, so the
  // loader validates the same document again and not the plan parsed from it.
  Object.defineProperty(result.plan, WRITTEN_PLAN, { value: input, enumerable: false });
  return result.plan;
}
