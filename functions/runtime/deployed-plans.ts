import { readFile } from "node:fs/promises";
import { PlanError } from "../../core/plan/plan-errors.js";
import type { Plan } from "../../core/plan/schema.js";
import { validatePlan } from "../../core/plan/validate-plan.js";

/** Plans are bundled with the functions as one JSON array; each is validated again at cold start. */
export async function loadDeployedPlans(file: string): Promise<Plan[]> {
  const documents = JSON.parse(await readFile(file, "utf8")) as unknown;
  if (!Array.isArray(documents)) throw new PlanError(`${file} must hold a JSON array of plans`);
  return documents.map((document, index) => {
    const result = validatePlan(document);
    if (!result.ok) throw new PlanError(`deployed plan #${index} in ${file} is invalid`, result.issues);
    return result.plan;
  });
}
