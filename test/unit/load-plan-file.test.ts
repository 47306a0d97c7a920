import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import { PlanError } from "../../core/plan/plan-errors.js";
import { testPlanInput } from "../support/plan-fixtures.js";

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "kirikae-plans-"));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function planFile(name: string, content: string): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, content);
  return path;
}

/** The PlanError loadPlanFile rejects with; fails the test if it resolves or rejects with anything else. */
async function loadError(path: string): Promise<PlanError> {
  const outcome = await loadPlanFile(path).then(
    () => new Error(`expected ${path} to be rejected`),
    (error: unknown) => error,
  );
  if (!(outcome instanceof PlanError)) throw outcome;
  return outcome;
}

/** An import specifier for a kirikae module that works from a plan file outside the repository. */
function kirikaeModule(path: string): string {
  return pathToFileURL(resolve(path)).href;
}

describe("loadPlanFile", () => {
  describe("shipped examples", () => {
    it("loads the JSON example", async () => {
      const plan = await loadPlanFile("examples/tokyo-singapore.plan.json");

      expect(plan).toMatchObject({ name: "shop", activeRegion: "ap-northeast-1" });
    });

    it("loads the TypeScript example's default export", async () => {
      const plan = await loadPlanFile("test/support/weighted-record-edits.plan.ts");

      expect(plan).toMatchObject({ name: "payments-api", dns: { routing: "weighted" } });
    });

    it("rejects the broken example with every issue and the file in the message", async () => {
      const error = await loadError("examples/broken.plan.json");

      expect(error.message).toBe("examples/broken.plan.json is not a valid plan (10 problems)");
      expect(error.issues.map((issue) => issue.path)).toEqual(
        expect.arrayContaining([
          "activeRegion",
          "database.members.ap-northeast-1",
          "database.members.ap-southeast-1",
          "compute.clusters[0].nodegroups[0].activeSize",
          "compute.clusters[0].nodegroups[1].standbySize",
          "compute.clusters[0].nodegroups[1].name",
          "triggers",
        ]),
      );
    });
  });

  describe("JSON files", () => {
    it("fills in defaults left out of the file", async () => {
      const input = testPlanInput();
      delete input.timeouts;
      const path = await planFile("defaults.json", JSON.stringify(input));

      const plan = await loadPlanFile(path);

      expect(plan.timeouts).toEqual({ stepSeconds: 600, rollbackAfterMinutes: 30 });
    });

    it("accepts a file saved with a UTF-8 byte order mark", async () => {
      const path = await planFile("bom.json", `\uFEFF${JSON.stringify(testPlanInput())}`);

      const plan = await loadPlanFile(path);

      expect(plan.name).toBe("shop");
    });

    it("reports malformed JSON with the file, line and column", async () => {
      const path = await planFile(
        "malformed.json",
        '{\n  "name": "shop",\n  "regions": [\n    "a"\n    "b"\n',
      );

      const error = await loadError(path);

      expect(error.message).toBe(`${path} is not valid JSON`);
      expect(error.issues).toEqual([
        {
          path: "(file)",
          message: "line 5, column 5: expected ',' or ']' after the array element",
          hint: expect.stringContaining("no trailing commas"),
        },
      ]);
    });

    it("points at a trailing comma, which JSON.parse reports without a position", async () => {
      const path = await planFile("trailing-comma.json", '{\n  "name": "shop",\n}\n');

      const error = await loadError(path);

      expect(error.message).toBe(`${path} is not valid JSON`);
      expect(error.issues[0]?.message).toBe(
        "line 3, column 1: a comma before '}': JSON allows no trailing commas",
      );
    });

    it("says JSON has no comments when the file has one", async () => {
      const path = await planFile("comment.json", '// the shop\n{ "name": "shop" }\n');

      const error = await loadError(path);

      expect(error.issues[0]?.message).toBe("line 1, column 1: unexpected '/': JSON allows no comments");
    });

    it("says a file that ends early is missing its closing brackets", async () => {
      const path = await planFile("truncated.json", '{ "name": "shop", "regions": ["ap-northeast-1"');

      const error = await loadError(path);

      expect(error.issues[0]?.message).toMatch(/a closing \} or \] is missing/);
    });

    it("reports an empty file as empty", async () => {
      const path = await planFile("empty.json", "\n");

      const error = await loadError(path);

      expect(error.message).toBe(`${path} is empty`);
      expect(error.issues).toHaveLength(1);
    });
  });

  describe("files that cannot be read", () => {
    it("names a missing file, where it was looked for, and what to check", async () => {
      const path = join(folder, "nope.plan.json");

      const error = await loadError(path);

      expect(error.message).toBe(`cannot read plan file ${path}`);
      expect(error.issues).toEqual([
        {
          path: "(file)",
          message: `no such file (looked for ${path})`,
          hint: expect.stringContaining("path"),
        },
      ]);
    });

    it("names a missing TypeScript plan the same way, before trying to import it", async () => {
      const error = await loadError(join(folder, "nope.plan.ts"));

      expect(error.message).toMatch(/^cannot read plan file .*nope\.plan\.ts$/);
      expect(error.issues[0]?.message).toMatch(/^no such file/);
    });

    it("refuses a directory", async () => {
      const path = join(folder, "plans.json");
      await mkdir(path, { recursive: true });

      const error = await loadError(path);

      expect(error.issues[0]?.message).toBe("this is a directory, not a file");
    });

    it("refuses an extension it cannot read, naming the ones it can", async () => {
      const path = await planFile("plan.yaml", "name: shop\n");

      const error = await loadError(path);

      expect(error.issues).toEqual([
        {
          path: "(file)",
          message: "unsupported extension .yaml",
          hint: expect.stringContaining(".json, .ts"),
        },
      ]);
    });
  });

  describe("modules", () => {
    it("takes a named `plan` export when there is no default export", async () => {
      const path = await planFile(
        "named.plan.mjs",
        `export const plan = ${JSON.stringify(testPlanInput())};\n`,
      );

      const plan = await loadPlanFile(path);

      expect(plan.name).toBe("shop");
    });

    it("validates a plain object exported without definePlan, with the same rules", async () => {
      const input = { ...testPlanInput(), activeRegion: "eu-west-1" };
      const path = await planFile("plain.plan.ts", `export default ${JSON.stringify(input)};\n`);

      const error = await loadError(path);

      expect(error.message).toBe(`${path} is not a valid plan (1 problem)`);
      expect(error.issues.map((issue) => issue.path)).toEqual(["activeRegion"]);
    });

    it("reports definePlan's issues as the file's, when definePlan throws while the module loads", async () => {
      const input = { ...testPlanInput(), name: "Shop Plan" };
      const path = await planFile(
        "defined.plan.ts",
        `import { definePlan } from ${JSON.stringify(kirikaeModule("core/plan/define-plan.ts"))};\n` +
          `export default definePlan(${JSON.stringify(input)});\n`,
      );

      const error = await loadError(path);

      expect(error.message).toBe(`${path} is not a valid plan (1 problem)`);
      expect(error.issues.map((issue) => issue.path)).toEqual(["name"]);
    });

    it("says what to export when the module exports no plan", async () => {
      const path = await planFile("nothing.plan.mjs", "export const other = 1;\n");

      const error = await loadError(path);

      expect(error.message).toBe(`${path} exports no plan`);
      expect(error.issues[0]?.hint).toMatch(/export default definePlan/);
    });

    it("turns a module that throws while loading into a PlanError naming the file", async () => {
      const path = await planFile("throws.plan.mjs", 'throw new TypeError("region list not ready");\n');

      const error = await loadError(path);

      expect(error.message).toBe(`${path} could not be loaded`);
      expect(error.issues).toEqual([
        { path: "(module)", message: "region list not ready", hint: expect.any(String) },
      ]);
    });
  });
});
