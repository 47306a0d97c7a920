import { Command } from "commander";
import type { CliIo } from "./cli-io.js";
import { approveCommand } from "./commands/approve.js";
import { auditCommand } from "./commands/audit.js";
import { cancelCommand } from "./commands/cancel.js";
import { checkCommand } from "./commands/check.js";
import { completionCommand } from "./commands/completion.js";
import { drillCommand } from "./commands/drill.js";
import { planExplainCommand } from "./commands/plan-explain.js";
import { planSchemaCommand } from "./commands/plan-schema.js";
import { planValidateCommand } from "./commands/plan-validate.js";
import { reportCommand } from "./commands/report.js";
import { startWorkflowCommand } from "./commands/start-workflow.js";
import { statusCommand } from "./commands/status.js";
import { watchCommand } from "./commands/watch.js";
import { kirikaeVersion } from "./version.js";

const EXIT_STATUS_HELP = `
Environment: KIRIKAE_STAGE, KIRIKAE_REGION, AWS_PROFILE, KIRIKAE_PRODUCTION_STAGES, NO_COLOR.
Exit status: 0 ok, 1 the operation failed (refused, escalated, findings), 2 usage or input error,
3 AWS unreachable or not authorised. docs/cli.md has the whole reference.
`;

/** The `kirikae` command; each subcommand lives in cli/commands/, built with the same injected io. */
export function buildProgram(io: CliIo): Command {
  const program = new Command("kirikae")
    .description("regional failover control plane for AWS: drills, plans, and operations")
    .version(kirikaeVersion(), "-V, --version", "print kirikae's version")
    .option(
      "--profile <name>",
      "the AWS profile to use (default: AWS_PROFILE): its credentials, and its region when --region is absent",
    )
    .option("--debug", "show stack traces and AWS request IDs for failures")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  program.addCommand(drillCommand(io));
  program.addCommand(
    new Command("plan")
      .description("work with plan files")
      .addCommand(planValidateCommand(io))
      .addCommand(planExplainCommand(io))
      .addCommand(planSchemaCommand(io)),
  );
  // Operations against a deployed stage.
  program.addCommand(statusCommand(io));
  program.addCommand(startWorkflowCommand("failover", io));
  program.addCommand(startWorkflowCommand("failback", io));
  program.addCommand(watchCommand(io));
  program.addCommand(cancelCommand(io));
  program.addCommand(approveCommand(io));
  program.addCommand(auditCommand(io));
  program.addCommand(reportCommand(io));
  program.addCommand(checkCommand(io));
  program.addCommand(completionCommand(io));
  program.addHelpText("after", EXIT_STATUS_HELP);
  return program;
}
