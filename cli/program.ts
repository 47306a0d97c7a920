import { Command } from "commander";
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
