import { Command } from "commander";
import type { CliIo } from "../cli-io.js";
import { EXIT } from "../exit-codes.js";
import { loadPlanArgument } from "../plan-argument.js";
import { explainPlan } from "../plan-explanation.js";
import { renderPlanExplanation } from "../plan-explanation-text.js";

/**
 * `kirikae plan explain FILE`: what the failover and the failback would do for this plan, step by step,
 * with the critical path against the RTO objective, and where each step's AWS calls go. An invalid plan gets every problem listed, as
 * `plan validate` lists them, and exit status 2 (a bad input): there is nothing to explain until it is fixed.
 */
export function planExplainCommand(io: CliIo): Command {
  return new Command("explain")
    .description(
      "say what the failover and the failback would do for a plan, where their calls go, and the RTO to expect",
    )
    .argument("<file>", "the plan file: .json, or a .ts/.mts/.js/.mjs module exporting the plan")
    .option("--json", "print one JSON document and nothing else")
    .action(async (file: string, options: { json?: boolean }) => {
      const plan = await loadPlanArgument(io, file, { ...options, exitCode: EXIT.usage });
      if (!plan) return;
      const explanation = explainPlan(plan, file);
      io.out(options.json ? `${JSON.stringify(explanation, null, 2)}\n` : renderPlanExplanation(explanation));
    });
}
