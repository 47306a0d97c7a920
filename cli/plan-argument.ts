import { loadPlanFile } from "../core/plan/load-plan-file.js";
import { PlanError } from "../core/plan/plan-errors.js";
import type { Plan } from "../core/plan/schema.js";
import { describeFailure } from "./cli-failure.js";
import type { CliIo } from "./cli-io.js";
import type { ExitCode } from "./exit-codes.js";
import { failureDocument, formatPlanError } from "./output.js";

/**
 * Loads the plan file a command was given. An invalid plan is an answer, not a crash: every problem is
 * reported (on stderr, or with --json as `{ok: false, file, error, issues}` on stdout), the exit status
 * is set, and undefined comes back for the command to stop. `exitCode` is 1 where judging the plan is
 * the command's job (`plan validate`), 2 where the plan is only its input. Anything other than a
 * PlanError is thrown on.
 */
export async function loadPlanArgument(
  io: CliIo,
  file: string,
  options: { json?: boolean; exitCode: ExitCode },
): Promise<Plan | undefined> {
  try {
    return await loadPlanFile(file);
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    io.setExitCode(options.exitCode);
    if (options.json) io.out(failureDocument(describeFailure(error), { file }));
    else io.err(formatPlanError(error));
    return undefined;
  }
}
