import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { loadPlanFile } from "../core/plan/load-plan-file.js";
import type { Plan } from "../core/plan/schema.js";
import { CliUsageError } from "./usage-error.js";

/** Plan files `--plans DIR` reads: JSON documents and TypeScript modules, named as the examples are. */
const PLAN_FILE = /\.plan\.(json|ts)$/;

/**
 * Every plan in DIR, in file-name order. A directory that cannot be read or holds no plan file is a usage
 * error; an invalid plan fails as `--plan-file` does (PlanError, exit 2), its message naming the file.
 */
export async function loadPlanDirectory(directory: string): Promise<Plan[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    throw new CliUsageError(
      `cannot read the plans directory ${directory}: ${(error as Error).message}`,
      "pass --plans DIR, a directory holding *.plan.json or *.plan.ts files",
    );
  }
  const files = names.filter((name) => PLAN_FILE.test(name)).sort();
  if (files.length === 0) {
    throw new CliUsageError(
      `${directory} holds no plan files (*.plan.json, *.plan.ts)`,
      "put the fleet's plan files in DIR, or drill one plan with --plan-file FILE",
    );
  }
  const plans: Plan[] = [];
  for (const file of files) plans.push(await loadPlanFile(join(directory, file)));
  return plans;
}
