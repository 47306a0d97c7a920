import { Command } from "commander";
import { checkPlanWarnings, type PlanIssue } from "../../core/plan/plan-rules.js";
import type { Plan } from "../../core/plan/schema.js";
import type { CliIo } from "../cli-io.js";
import { detectionWarnings } from "../detection-estimate.js";
import { EXIT } from "../exit-codes.js";
import { formatIssues } from "../output.js";
import { loadPlanArgument } from "../plan-argument.js";

/** What `kirikae plan validate --json` prints: the one document scripts and CI parse. */
export interface PlanValidateReport {
  ok: boolean;
  file: string;
  plan?: {
    name: string;
    regions: string[];
    activeRegion: string;
    standbyRegion: string;
    routing: Plan["dns"]["routing"];
    mode: Plan["triggers"]["mode"];
  };
  /** A valid plan lists its warnings here (`severity: "warning"`); they do not make `ok` false. */
  issues: PlanIssue[];
}

/**
 * `kirikae plan validate FILE`: a one-line confirmation (then any warnings, which leave the exit status
 * 0), or every problem with its path and hint and exit status 1. An invalid plan is the answer to the question asked, not a crash, so it is handled
 * here; anything other than a PlanError is left to the program's own error handling.
 */
export function planValidateCommand(io: CliIo): Command {
  return new Command("validate")
    .description("check a plan file (JSON or TypeScript) against the schema and the cross-field rules")
    .argument("<file>", "the plan file: .json, or a .ts/.mts/.js/.mjs module exporting the plan")
    .option("--json", "print one JSON document and nothing else")
    .action(async (file: string, options: { json?: boolean }) => {
      const plan = await loadPlanArgument(io, file, { ...options, exitCode: EXIT.failed });
      if (!plan) return;
      const summary = summarise(plan);
      const warnings = [...checkPlanWarnings(plan), ...detectionWarnings(plan)];
      const report: PlanValidateReport = { ok: true, file, plan: summary, issues: warnings };
      io.out(
        options.json
          ? `${JSON.stringify(report)}\n`
          : `✓ ${file}: plan "${summary.name}" is valid (${summary.regions.join(", ")}, active ${summary.activeRegion})\n` +
              (warnings.length > 0 ? `warnings:\n${formatIssues(warnings)}` : ""),
      );
    });
}

function summarise(plan: Plan): NonNullable<PlanValidateReport["plan"]> {
  return {
    name: plan.name,
    regions: plan.regions,
    activeRegion: plan.activeRegion,
    // The rules guarantee two distinct regions, one of them active.
    standbyRegion: plan.regions.find((region) => region !== plan.activeRegion) ?? "",
    routing: plan.dns.routing,
    mode: plan.triggers.mode,
  };
}
