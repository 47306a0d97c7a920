import { type Command, CommanderError } from "commander";
import { commanderFailure, type DescribedFailure, describeFailure } from "./cli-failure.js";
import { type CliIo, profileOf } from "./cli-io.js";
import { EXIT } from "./exit-codes.js";
import { failureDocument, formatFailure } from "./output.js";
import { buildProgram } from "./program.js";

/**
 * Runs `kirikae` on argv (without the node and script entries) and returns the exit status; nothing
 * here touches `process`, so tests run commands in-process with their own writers.
 *
 * Every failure, whichever command it comes from, ends here: one line with what to do on stderr, or with
 * --json one document on stdout, and the exit status of cli/exit-codes.ts. A stack trace only with --debug.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  let action: Command | undefined;
  const runIo: CliIo = {
    ...io,
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  const program = buildProgram(runIo);
  keepInProcess(program, io);
  // Global options are known only once the command line is parsed, before the command runs.
  program.hook("preAction", (_program, actionCommand) => {
    action = actionCommand;
    const { profile } = actionCommand.optsWithGlobals() as { profile?: unknown };
    if (typeof profile === "string" && profile !== "") runIo.profile = profile;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    const json = action ? action.opts().json === true : argv.includes("--json");
    if (error instanceof CommanderError) {
      // Commander has already printed its own message (unknown option, missing argument) or the help.
      const failure = commanderFailure(error);
      if (!failure) return EXIT.ok;
      if (json) io.out(failureDocument(error.code === "commander.help" ? noCommand(failure) : failure));
      return failure.exitCode;
    }
    const profile = profileOf(runIo);
    const failure = describeFailure(error, profile ? { profile } : {});
    const debug = program.opts().debug === true || argv.includes("--debug");
    if (json) {
      io.out(failureDocument(failure));
      if (debug) io.err(formatFailure(error, { debug, failure }));
    } else {
      io.err(formatFailure(error, { debug, failure }));
    }
    return failure.exitCode;
  }
}

function noCommand(failure: DescribedFailure): DescribedFailure {
  return { ...failure, message: "no command given" };
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
