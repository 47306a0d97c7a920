import { Command } from "commander";
import type { CliIo } from "./cli-io.js";
import { approveCommand } from "./commands/approve.js";
import { auditCommand } from "./commands/audit.js";
import { checkCommand } from "./commands/check.js";
import { drillCommand } from "./commands/drill.js";
import { planExplainCommand } from "./commands/plan-explain.js";
import { planValidateCommand } from "./commands/plan-validate.js";
import { reportCommand } from "./commands/report.js";
import { startWorkflowCommand } from "./commands/start-workflow.js";
import { statusCommand } from "./commands/status.js";

/** The `kirikae` command; each subcommand lives in cli/commands/, built with the same injected io. */
export function buildProgram(io: CliIo): Command {
  const program = new Command("kirikae")
    .description("regional failover control plane for AWS: drills, plans, and operations")
    .option("--debug", "show stack traces for unexpected errors")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  program.addCommand(drillCommand(io));
  program.addCommand(
    new Command("plan")
      .description("work with plan files")
      .addCommand(planValidateCommand(io))
      .addCommand(planExplainCommand(io)),
  );
  // Operations against a deployed stage.
  program.addCommand(statusCommand(io));
  program.addCommand(startWorkflowCommand("failover", io));
  program.addCommand(startWorkflowCommand("failback", io));
  program.addCommand(approveCommand(io));
  program.addCommand(auditCommand(io));
  program.addCommand(reportCommand(io));
  program.addCommand(checkCommand(io));
  return program;
}
