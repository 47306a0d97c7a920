import { describe, expect, it } from "vitest";
import { entryOf, shakeableZodImports } from "../../infra/esbuild-bundler.js";

describe("the deploy bundler's inputs", () => {
  it("turns a handler setting into its source file and export", () => {
    expect(entryOf("functions/detect-alarm.handler")).toEqual({
      file: "functions/detect-alarm.ts",
      exportName: "handler",
    });
    expect(() => entryOf("functions/detect-alarm")).toThrow(/file\.export/);
  });

  it("rebinds zod's `z` as a namespace import so unused schema types are shaken out, and touches nothing else", () => {
    const source = [
      'import { z } from "zod";',
      'import type { z as types } from "zod";',
      'import { z, type ZodError } from "zod";',
      'const note = "import { z } from \\"elsewhere\\"";',
    ].join("\n");

    expect(shakeableZodImports(source, "/deps/zod/v4/classic/external.js").split("\n")).toEqual([
      'import * as z from "/deps/zod/v4/classic/external.js";',
      'import type { z as types } from "zod";',
      'import { z, type ZodError } from "zod";',
      'const note = "import { z } from \\"elsewhere\\"";',
    ]);
  });
});
