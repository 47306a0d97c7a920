import { readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { planJsonSchema, planJsonSchemaText } from "../../cli/commands/plan-schema.js";
import { lenientPlanView } from "../../core/plan/lenient-plan-view.js";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import { validatePlan } from "../../core/plan/validate-plan.js";
import { runKirikae } from "../support/run-kirikae.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SCHEMA_FILE = resolve(root, "schema/plan.schema.json");
const examples = (await readdir(resolve(root, "examples"))).filter((file) => file.endsWith(".plan.json"));
const validExamples = examples.filter((file) => file !== "broken.plan.json");

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
}

/** A JSON Schema validator as an editor runs one (formats are left to `plan validate`). */
function editorValidator() {
  return new Ajv({ allErrors: true, validateFormats: false }).compile(planJsonSchema());
}

describe("the plan files' JSON Schema", () => {
  it("is committed as schema/plan.schema.json exactly as the generator makes it (else run `npm run plan:schema`)", async () => {
    const committed = await readJson(SCHEMA_FILE);

    expect(committed).toEqual(planJsonSchema());
  });

  it("is what `kirikae plan schema` prints", async () => {
    const { code, stdout } = await runKirikae(["plan", "schema"]);

    expect(code).toBe(0);
    expect(stdout).toBe(planJsonSchemaText());
  });

  it.each(examples)("is referenced by examples/%s, with a path that resolves", async (file) => {
    const plan = await readJson(resolve(root, "examples", file));

    expect(plan.$schema).toBe("../schema/plan.schema.json");
    expect(resolve(root, "examples", String(plan.$schema))).toBe(SCHEMA_FILE);
  });

  it.each(validExamples)("accepts examples/%s, which kirikae loads too", async (file) => {
    const path = join(root, "examples", file);
    const validate = editorValidator();

    const valid = validate(await readJson(path));

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    await expect(loadPlanFile(path)).resolves.toMatchObject({ name: expect.any(String) });
  });

  it("shows an editor what is wrong with examples/broken.plan.json", async () => {
    const validate = editorValidator();

    const valid = validate(await readJson(resolve(root, "examples/broken.plan.json")));

    expect(valid).toBe(false);
    expect(validate.errors?.length).toBeGreaterThan(0);
  });

  it("describes a plan as its author writes it: defaults optional, unknown fields refused", () => {
    const schema = planJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, unknown>;
    };

    expect(schema.required).not.toContain("timeouts");
    expect(schema.required).not.toContain("$schema");
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties).toHaveProperty("$schema");
  });
});

describe("a plan's $schema field", () => {
  it("changes nothing kirikae validates, reports or explains", async () => {
    const path = resolve(root, "examples/tokyo-singapore.plan.json");
    const withReference = await readJson(path);
    const { $schema: _reference, ...without } = withReference;

    const a = validatePlan(withReference);
    const b = validatePlan(without);
    const explained = await runKirikae(["plan", "explain", path, "--json"]);

    expect(a.ok && b.ok).toBe(true);
    expect(lenientPlanView(withReference)).toEqual(lenientPlanView(without));
    expect(explained.code).toBe(0);
    expect(explained.stdout).not.toContain("schema.json");
  });

  it("is reported with the other problems of an invalid plan only when it is not a string", () => {
    const result = validatePlan({ $schema: 42 });

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues.map((issue) => issue.path)).toContain("$schema");
  });
});
