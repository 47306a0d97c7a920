import { type Command, Option } from "commander";
import type { CliIo } from "./cli-io.js";
import { CliUsageError } from "./usage-error.js";

export interface PlanFileOptions {
  planFile?: string;
  /** The old spelling of --plan-file in the commands that read a plan file. */
  plan?: string;
}

/**
 * `--plan-file PATH`: a plan file, in every command that reads one. `--plan NAME` means a deployed
 * plan's name everywhere else, so here the old `--plan PATH` still works but is hidden and noted.
 */
export function withPlanFileOption(command: Command, description: string, defaultFile?: string): Command {
  return command
    .option(
      "--plan-file <path>",
      `${description}: .json, or a .ts/.mts/.js/.mjs module exporting the plan${defaultFile ? ` (default: ${defaultFile})` : ""}`,
    )
    .addOption(new Option("--plan <path>", "deprecated spelling of --plan-file").hideHelp());
}

/** The plan file given, saying on stderr when the deprecated spelling was used. */
export function planFileOf(io: CliIo, options: PlanFileOptions, defaultFile?: string): string {
  if (options.planFile !== undefined && options.plan !== undefined) {
    throw new CliUsageError(
      "the plan file was given twice, with --plan-file and --plan",
      "give it once, with --plan-file PATH",
    );
  }
  if (options.plan !== undefined) {
    io.err(
      `note: --plan ${options.plan} is deprecated here: use --plan-file ${options.plan} (--plan names a deployed plan in the operational commands)\n`,
    );
    return options.plan;
  }
  const file = options.planFile ?? defaultFile;
  if (file === undefined) throw new CliUsageError("no plan file given", "pass --plan-file PATH");
  return file;
}
