import { loadPlanFile } from "../core/plan/load-plan-file.js";
import { PlanError } from "../core/plan/plan-errors.js";
import type { Plan } from "../core/plan/schema.js";
import type { CliIo } from "./cli-io.js";
import { formatPlanError } from "./output.js";

/**
 * Loads the plan file a command was given. An invalid plan is an answer, not a crash: every problem is
 * reported (on stderr, or as `{ok: false, file, issues}` with --json), the exit status is set, and
 * undefined comes back for the command to stop. Anything other than a PlanError is thrown on.
 */
export async function loadPlanArgument(
  io: CliIo,
  file: string,
  options: { json?: boolean; exitCode?: number },
): Promise<Plan | undefined> {
  try {
    return await loadPlanFile(file);
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    io.setExitCode(options.exitCode ?? 1);
    if (options.json) io.out(`${JSON.stringify({ ok: false, file, issues: error.issues })}\n`);
    else io.err(formatPlanError(error));
    return undefined;
  }
}
