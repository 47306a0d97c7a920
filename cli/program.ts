import { Command } from "commander";
import { KirikaeError } from "../core/errors.js";
import type { CliIo } from "./cli-io.js";
import { drillCommand } from "./commands/drill.js";
import { planValidateCommand } from "./commands/plan-validate.js";

/** The `kirikae` command; each subcommand lives in cli/commands/, built with the same injected io. */
export function buildProgram(io: CliIo): Command {
  const program = new Command("kirikae")
    .description("regional failover control plane for AWS: drills, plans, and operations")
    .option("--debug", "show stack traces for unexpected errors")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  program.addCommand(drillCommand(io));
  program.addCommand(
    new Command("plan").description("work with plan files").addCommand(planValidateCommand(io)),
  );
  return program;
}

/**
 * Runs the CLI on argv; returns the exit status. Expected failures (a bad plan, a bad flag) print a
 * sentence a person can act on; a stack trace only with --debug.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram({ ...io, setExitCode: (code) => (exitCode = code) });
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    const commanderExit = error as { code?: string; exitCode?: number };
    if (typeof commanderExit.code === "string" && commanderExit.code.startsWith("commander.")) {
      return commanderExit.exitCode ?? 1;
    }
    if (error instanceof KirikaeError) {
      io.err(`✗ ${error.describe()}\n`);
    } else {
      io.err(`✗ ${error instanceof Error ? error.message : String(error)}\n`);
      if (program.opts().debug && error instanceof Error) io.err(`${error.stack ?? ""}\n`);
      else io.err("  (run again with --debug for the stack trace)\n");
    }
    return 1;
  }
}
