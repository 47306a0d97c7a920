import { readFile, stat } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PlanError } from "./plan-errors.js";
import type { PlanIssue } from "./plan-rules.js";
import type { Plan } from "./schema.js";
import { validatePlan } from "./validate-plan.js";

const moduleExtensions = new Set([".ts", ".mts", ".js", ".mjs"]);
const supported = ".json, .ts, .mts, .js or .mjs";

/**
 * Reads a plan from a JSON file or a TypeScript/JavaScript module (its default export, or an export
 * named `plan`) and validates it. A module's export is validated again even when it came from
 * `definePlan`, so a plain object literal exported without it is held to the same rules.
 *
 * Every failure is a PlanError whose message names the file and whose issues say what is wrong and
 * what to do; `path` is echoed as the person typed it, since that is what they will look for.
 */
export async function loadPlanFile(path: string): Promise<Plan> {
  const absolute = resolve(path);
  const extension = extname(absolute).toLowerCase();
  if (extension !== ".json" && !moduleExtensions.has(extension)) {
    throw new PlanError(`${path} is not a plan file kirikae can read`, [
      {
        path: "(file)",
        message: extension === "" ? "the file name has no extension" : `unsupported extension ${extension}`,
        hint: `name plan files with ${supported}`,
      },
    ]);
  }
  await checkReadable(path, absolute);
  const document = extension === ".json" ? await readJson(path, absolute) : await importModule(path, absolute);
  const result = validatePlan(document);
  if (!result.ok) throw invalidPlan(path, result.issues);
  return result.plan;
}

function invalidPlan(path: string, issues: PlanIssue[], cause?: unknown): PlanError {
  const problems = `${issues.length} problem${issues.length === 1 ? "" : "s"}`;
  return new PlanError(
    `${path} is not a valid plan (${problems})`,
    issues,
    cause === undefined ? undefined : { cause },
  );
}

async function checkReadable(path: string, absolute: string): Promise<void> {
  try {
    const stats = await stat(absolute);
    if (stats.isFile()) return;
    throw new PlanError(`cannot read plan file ${path}`, [
      { path: "(file)", message: "this is a directory, not a file", hint: "name the plan file itself" },
    ]);
  } catch (error) {
    if (error instanceof PlanError) throw error;
    throw new PlanError(
      `cannot read plan file ${path}`,
      [{ path: "(file)", ...unreadable(error, absolute) }],
      { cause: error },
    );
  }
}

function unreadable(error: unknown, absolute: string): { message: string; hint: string } {
  switch (errorCode(error)) {
    case "ENOENT":
    case "ENOTDIR":
      return {
        message: `no such file (looked for ${absolute})`,
        hint: "check the path; it is relative to the current directory, and the examples live in examples/",
      };
    case "EACCES":
    case "EPERM":
      return { message: "permission denied", hint: "make the file readable by the current user" };
    default:
      return { message: messageOf(error), hint: "check that the file exists and can be read" };
  }
}

async function readJson(path: string, absolute: string): Promise<unknown> {
  let text: string;
  try {
    // Editors on Windows save UTF-8 with a byte order mark, which JSON.parse rejects.
    text = (await readFile(absolute, "utf8")).replace(/^\uFEFF/, "");
  } catch (error) {
    throw new PlanError(
      `cannot read plan file ${path}`,
      [{ path: "(file)", ...unreadable(error, absolute) }],
      { cause: error },
    );
  }
  if (text.trim() === "") {
    throw new PlanError(`${path} is empty`, [
      { path: "(file)", message: "the file is empty", hint: "a plan file holds one JSON object; see examples/" },
    ]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const { reason, location } = describeJsonError(messageOf(error), text);
    throw new PlanError(
      `${path}${location ? `:${location.line}:${location.column}` : ""} is not valid JSON`,
      [
        {
          path: "(file)",
          message: location ? `line ${location.line}, column ${location.column}: ${reason}` : reason,
          hint: "JSON allows no comments, no trailing commas, and only double-quoted names and strings",
        },
      ],
      { cause: error },
    );
  }
}

/**
 * V8 reports a character offset ("at position 14"), and only newer versions add "(line 3 column 3)";
 * the line and column are computed here so every Node version points a person at the same place.
 */
function describeJsonError(
  message: string,
  text: string,
): { reason: string; location?: { line: number; column: number } } {
  const reason = message.replace(/\s*\(line \d+ column \d+\)/, "").replace(/ in JSON at position \d+/, "");
  const position = /at position (\d+)/.exec(message)?.[1];
  const offset = position === undefined ? /end of JSON input/.test(message) ? text.length : undefined : Number(position);
  if (offset === undefined) return { reason };
  const before = text.slice(0, offset).split("\n");
  const column = (before.at(-1)?.length ?? 0) + 1;
  return { reason, location: { line: before.length, column } };
}

async function importModule(path: string, absolute: string): Promise<unknown> {
  let namespace: Record<string, unknown>;
  try {
    namespace = await import(pathToFileURL(absolute).href);
  } catch (error) {
    // definePlan throws its validation result while the module loads; report it like a JSON plan's.
    const issues = planIssuesOf(error);
    if (issues !== undefined) throw invalidPlan(path, issues, error);
    throw new PlanError(
      `${path} could not be loaded`,
      [{ path: "(module)", message: messageOf(error), hint: importHint(error) }],
      { cause: error },
    );
  }
  const document = namespace.default ?? namespace.plan;
  if (document === undefined) {
    throw new PlanError(`${path} exports no plan`, [
      {
        path: "(module)",
        message: "no default export and no export named `plan`",
        hint: "end the file with `export default definePlan({ ... })`",
      },
    ]);
  }
  return document;
}

/**
 * A plan module may import definePlan through another path than this file does (a symlinked checkout,
 * a second copy of kirikae), giving a PlanError class that `instanceof` does not recognise; its name and
 * issues are what count.
 */
function planIssuesOf(error: unknown): PlanIssue[] | undefined {
  if (error instanceof PlanError) return error.issues;
  if (!(error instanceof Error) || error.name !== "PlanError" || !("issues" in error)) return undefined;
  const { issues } = error;
  return Array.isArray(issues) && issues.every(isPlanIssue) ? issues : undefined;
}

function isPlanIssue(value: unknown): value is PlanIssue {
  return (
    typeof value === "object" &&
    value !== null &&
    "path" in value &&
    typeof value.path === "string" &&
    "message" in value &&
    typeof value.message === "string"
  );
}

function importHint(error: unknown): string {
  switch (errorCode(error)) {
    case "ERR_UNKNOWN_FILE_EXTENSION":
      return "this Node.js cannot load TypeScript by itself: run it through `npx kirikae`, or write the plan as JSON";
    case "ERR_MODULE_NOT_FOUND":
      return "a module the plan imports was not found; import definePlan from kirikae's core/plan/define-plan.js";
    default:
      return "fix the module so it loads, then run `kirikae plan validate` again";
  }
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
