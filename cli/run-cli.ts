import { type Command, CommanderError } from "commander";
import { asUserFailure } from "./aws-failures.js";
import type { CliIo } from "./cli-io.js";
import { formatFailure } from "./output.js";
import { buildProgram } from "./program.js";

/**
 * Runs `kirikae` on argv (without the node and script entries) and returns the exit status; nothing
 * here touches `process`, so tests run commands in-process with their own writers.
 *
 * Expected failures print a sentence a person can act on; a stack trace appears only with --debug.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram({
    ...io,
    setExitCode: (code) => {
      exitCode = code;
    },
  });
  keepInProcess(program, io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    // Commander has already printed its own message (unknown option, missing argument) or the help.
    if (error instanceof CommanderError) return error.exitCode;
    io.err(formatFailure(asUserFailure(error), { debug: debugRequested(program, argv) }));
    return 1;
  }
}

/**
 * Commander copies exit and output settings only to subcommands made with `.command()`, not to those
 * attached with `.addCommand()`, which is how cli/commands/ modules are attached. Without this, a
 * missing argument to a subcommand calls process.exit and writes to the real stderr: it would end a
 * test run and escape the injected writers.
 */
function keepInProcess(command: Command, io: CliIo): void {
  command
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError("(add --help for usage)");
  for (const subcommand of command.commands) keepInProcess(subcommand, io);
}

function debugRequested(program: Command, argv: readonly string[]): boolean {
  // A failure can come before commander has parsed the options, so argv itself is asked too.
  return program.opts().debug === true || argv.includes("--debug");
}
