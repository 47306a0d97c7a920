import { Command } from "commander";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import { PlanError } from "../../core/plan/plan-errors.js";
import type { CliIo } from "../cli-io.js";

/** `kirikae plan validate FILE`: every problem with its path and a hint, or a one-line confirmation. */
export function planValidateCommand(io: CliIo): Command {
  return new Command("validate")
    .description("check a plan file (JSON or TypeScript) against the schema and the cross-field rules")
    .argument("<file>", "the plan file")
    .option("--json", "print one JSON document and nothing else")
    .action(async (file: string, options: { json?: boolean }) => {
      try {
        const plan = await loadPlanFile(file);
        const standby = plan.regions.find((region) => region !== plan.activeRegion);
        io.out(
          options.json
            ? `${JSON.stringify({ ok: true, file, plan: { name: plan.name, regions: plan.regions, activeRegion: plan.activeRegion }, issues: [] })}\n`
            : `✓ ${file}: plan "${plan.name}" is valid (${plan.activeRegion} active, ${standby} standby)\n`,
        );
      } catch (error) {
        if (!(error instanceof PlanError)) throw error;
        io.setExitCode(1);
        if (options.json) {
          io.out(`${JSON.stringify({ ok: false, file, message: error.message, issues: error.issues })}\n`);
          return;
        }
        io.err(`✗ ${error.message}\n`);
        for (const issue of error.issues) {
          io.err(`  ${issue.path}: ${issue.message}\n`);
          if (issue.hint) io.err(`    hint: ${issue.hint}\n`);
        }
        if (error.issues.length > 0)
          io.err(`${error.issues.length} problem${error.issues.length === 1 ? "" : "s"} found\n`);
      }
    });
}
