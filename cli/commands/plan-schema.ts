import { writeFile } from "node:fs/promises";
import { Command } from "commander";
import { z } from "zod";
import { planSchema } from "../../core/plan/schema.js";
import type { CliIo } from "../cli-io.js";

/**
 * The JSON Schema of a plan file as its author writes it, generated from the zod schema that
 * `plan validate` uses, so the two cannot drift (schema/plan.schema.json is this, checked by a test).
 *
 * What JSON Schema can say is the shape: fields, types, enums, patterns, bounds, defaults. Refinements
 * across fields (a member cluster per region, gates only with failover routing, legacy fields or
 * recovery blocks but not both) are code, so the schema leaves them out and `kirikae plan validate`
 * remains the judge; anything zod cannot express becomes `{}` (any value) rather than a failure.
 * Draft-07, the version editors support best.
 */
export function planJsonSchema(): Record<string, unknown> {
  const { $schema, ...generated } = z.toJSONSchema(planSchema, {
    io: "input",
    target: "draft-07",
    unrepresentable: "any",
  });
  return {
    $schema,
    title: "kirikae plan",
    description:
      "A kirikae DR plan (JSON). Editors validate and complete fields with this schema; `npx kirikae plan validate FILE` also checks the rules across fields. Reference: docs/plan.md.",
    ...generated,
  };
}

/** The schema as `kirikae plan schema` prints it and schema/plan.schema.json holds it. */
export function planJsonSchemaText(): string {
  return `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
}

/** `kirikae plan schema [--out FILE]`: the plan files' JSON Schema, on stdout or into a file. */
export function planSchemaCommand(io: CliIo): Command {
  return new Command("schema")
    .description("print the JSON Schema of plan files, for editors (examples/*.plan.json reference it)")
    .option("--out <file>", "write it into FILE instead of printing it")
    .action(async (options: { out?: string }) => {
      if (options.out === undefined) {
        io.out(planJsonSchemaText());
        return;
      }
      await writeFile(options.out, planJsonSchemaText());
      io.out(`plan schema written: ${options.out}\n`);
    });
}
