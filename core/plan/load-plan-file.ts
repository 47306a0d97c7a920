import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PlanError } from "./plan-errors.js";
import type { Plan } from "./schema.js";
import { validatePlan } from "./validate-plan.js";

const moduleExtensions = new Set([".ts", ".mts", ".js", ".mjs"]);

/**
 * Reads a plan from a JSON file or a TypeScript/JavaScript module (its default export, or an export
 * named `plan`), and validates it. Every failure is a PlanError naming the file and what to do.
 */
export async function loadPlanFile(path: string): Promise<Plan> {
  const absolute = resolve(path);
  const document = moduleExtensions.has(extname(absolute))
    ? await importModule(path, absolute)
    : await readJson(path, absolute);
  const result = validatePlan(document);
  if (!result.ok)
    throw new PlanError(
      `${path} is not a valid plan (${result.issues.length} problem${result.issues.length === 1 ? "" : "s"})`,
      result.issues,
    );
  return result.plan;
}

async function readJson(path: string, absolute: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(absolute, "utf8");
  } catch (error) {
    throw missingFile(path, error);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PlanError(
      `${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      [],
      { cause: error },
    );
  }
}

async function importModule(path: string, absolute: string): Promise<unknown> {
  let module: { default?: unknown; plan?: unknown };
  try {
    await readFile(absolute);
  } catch (error) {
    throw missingFile(path, error);
  }
  try {
    module = (await import(pathToFileURL(absolute).href)) as { default?: unknown; plan?: unknown };
  } catch (error) {
    // definePlan throws the validation result itself when the module loads.
    if (error instanceof PlanError)
      throw new PlanError(`${path}: ${error.message}`, error.issues, { cause: error });
    throw new PlanError(
      `${path} could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
      [],
      { cause: error },
    );
  }
  const document = module.default ?? module.plan;
  if (document === undefined) {
    throw new PlanError(`${path} exports no plan`, [
      {
        path: "(module)",
        message: "no default export and no export named `plan`",
        hint: "export default definePlan({ ... })",
      },
    ]);
  }
  return document;
}

function missingFile(path: string, error: unknown): PlanError {
  return new PlanError(`cannot read plan file ${path}`, [
    {
      path: "(file)",
      message: error instanceof Error ? error.message : String(error),
      hint: "check the path; plans usually live in examples/ or your own plans/ folder",
    },
  ]);
}
