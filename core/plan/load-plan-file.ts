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
  const document =
    extension === ".json" ? await readJson(path, absolute) : await importModule(path, absolute);
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
  let isFile: boolean;
  try {
    isFile = (await stat(absolute)).isFile();
  } catch (error) {
    throw cannotRead(path, absolute, error);
  }
  if (!isFile) {
    throw new PlanError(`cannot read plan file ${path}`, [
      { path: "(file)", message: "this is a directory, not a file", hint: "name the plan file itself" },
    ]);
  }
}

function cannotRead(path: string, absolute: string, error: unknown): PlanError {
  return new PlanError(
    `cannot read plan file ${path}`,
    [{ path: "(file)", ...unreadable(error, absolute) }],
    {
      cause: error,
    },
  );
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
    throw cannotRead(path, absolute, error);
  }
  if (text.trim() === "") {
    throw new PlanError(`${path} is empty`, [
      {
        path: "(file)",
        message: "the file is empty",
        hint: "a plan file holds one JSON object; see examples/",
      },
    ]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const syntax = locateJsonError(text);
    const where = syntax ? lineAndColumn(text, syntax.offset) : undefined;
    throw new PlanError(
      `${path} is not valid JSON`,
      [
        {
          path: "(file)",
          message:
            syntax && where
              ? `line ${where.line}, column ${where.column}: ${syntax.reason}`
              : messageOf(error),
          hint: "JSON allows no comments, no trailing commas, and only double-quoted names and strings",
        },
      ],
      { cause: error },
    );
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const lines = text.slice(0, offset).split("\n");
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** Unwinds the scanner below from any depth; never leaves it, so it needs no stack of its own. */
class JsonSyntaxError {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

/**
 * Where JSON.parse gave up, and why, in words a person can act on. V8 gives a position for some
 * mistakes but not for the commonest (a trailing comma, a comment, a single-quoted string come as a
 * snippet without one), so a document that failed to parse is scanned again here.
 */
function locateJsonError(text: string): JsonSyntaxError | undefined {
  let at = 0;
  const fail = (reason: string): never => {
    throw new JsonSyntaxError(at, reason);
  };
  const skipSpace = (): void => {
    while (at < text.length && " \t\n\r".includes(text.charAt(at))) at++;
  };
  const unexpected = (): never => {
    const char = text[at];
    if (char === undefined) return fail("the document ends too early; a closing } or ] is missing");
    if (char === "/") return fail("unexpected '/': JSON allows no comments");
    if (char === "'") return fail(`unexpected "'": JSON strings use double quotes`);
    return fail(`unexpected ${JSON.stringify(char)}`);
  };
  const expected = (what: string): never =>
    text[at] === undefined ? unexpected() : fail(`expected ${what}`);
  const string = (): void => {
    at++;
    while (at < text.length) {
      const char = text.charAt(at);
      if (char === '"') {
        at++;
        return;
      }
      if (char < " ") fail("a line break or control character inside a string; write it as \\n");
      if (char === "\\") {
        const sequence = /\\(["\\/bfnrt]|u[0-9a-fA-F]{4})/y;
        sequence.lastIndex = at;
        if (!sequence.test(text)) fail("invalid escape sequence in a string");
        at = sequence.lastIndex;
      } else {
        at++;
      }
    }
    fail("a string is not closed");
  };
  const number = (): void => {
    const pattern = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    pattern.lastIndex = at;
    if (!pattern.test(text)) fail("invalid number");
    at = pattern.lastIndex;
  };
  const value = (): void => {
    skipSpace();
    const char = text[at];
    if (char === "{") object();
    else if (char === "[") array();
    else if (char === '"') string();
    else if (char !== undefined && /[-\d]/.test(char)) number();
    else {
      const word = ["true", "false", "null"].find((literal) => text.startsWith(literal, at));
      if (word === undefined) unexpected();
      else at += word.length;
    }
  };
  const object = (): void => {
    at++;
    skipSpace();
    if (text[at] === "}") {
      at++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[at] === "}") fail("a comma before '}': JSON allows no trailing commas");
      if (text[at] !== '"') expected("a double-quoted property name");
      string();
      skipSpace();
      if (text[at] !== ":") expected("':' after the property name");
      at++;
      value();
      skipSpace();
      if (text[at] === "}") {
        at++;
        return;
      }
      if (text[at] !== ",") expected("',' or '}' after the property value");
      at++;
    }
  };
  const array = (): void => {
    at++;
    skipSpace();
    if (text[at] === "]") {
      at++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[at] === "]") fail("a comma before ']': JSON allows no trailing commas");
      value();
      skipSpace();
      if (text[at] === "]") {
        at++;
        return;
      }
      if (text[at] !== ",") expected("',' or ']' after the array element");
      at++;
    }
  };
  try {
    value();
    skipSpace();
    if (at < text.length) fail("more text after the end of the document");
    return undefined;
  } catch (error) {
    // Anything else (a stack overflow on absurd nesting) leaves JSON.parse's own message to speak.
    if (error instanceof JsonSyntaxError) return error;
    return undefined;
  }
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
      return "check the plan's imports; the `.js` paths a TypeScript plan imports resolve under the tsx loader that `npx kirikae` starts";
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
