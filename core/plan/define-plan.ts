import { PlanError } from "./plan-errors.js";
import type { Plan, PlanInput } from "./schema.js";
import { validatePlan } from "./validate-plan.js";

/**
 * Typed entry point for plans written in TypeScript: the editor checks the shape, and the same schema
 * as for JSON files checks the values and cross-field rules when the module loads.
 */
export function definePlan(input: PlanInput): Plan {
  const result = validatePlan(input);
  if (!result.ok) throw new PlanError(`plan "${String(input.name)}" is invalid`, result.issues);
  return result.plan;
}
