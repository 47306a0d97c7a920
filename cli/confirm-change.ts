import { KirikaeError } from "../core/errors.js";
import { type CliIo, type Environment, envOf } from "./cli-io.js";
import { CliUsageError } from "./usage-error.js";

/** The person answered anything but yes: nothing was done. */
export class ChangeNotConfirmed extends KirikaeError {
  constructor(what: string) {
    super(`not confirmed: ${what} was not started, nothing changed`, {
      action: "run it again and answer yes, or pass --yes",
    });
    this.name = "ChangeNotConfirmed";
  }
}

/**
 * Whether a stage is production, where kirikae asks before changing anything: the stages listed in
 * KIRIKAE_PRODUCTION_STAGES (comma-separated) when it is set, otherwise `production`, `prod` and names
 * starting `prod-` or `production-`.
 */
export function isProductionStage(stage: string, environment: Environment): boolean {
  const listed = (environment.KIRIKAE_PRODUCTION_STAGES ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  if (listed.length > 0) return listed.includes(stage);
  return /^prod(uction)?(-|$)/i.test(stage);
}

/**
 * Before asking AWS anything: a change to production from a script without --yes is refused, since
 * nobody could answer the question (exit 2, nothing called).
 */
export function refuseUnconfirmable(io: CliIo, stage: string, options: { yes?: boolean }): void {
  if (options.yes || !isProductionStage(stage, envOf(io))) return;
  if (io.terminal?.stdinIsTTY) return;
  throw new CliUsageError(
    `stage ${stage} is production and this changes it, but there is no terminal to confirm on`,
    "pass --yes to confirm on the command line (scripts, CI), or run it in a terminal",
  );
}

/**
 * Asks the person at the terminal to confirm a change to production, saying what will change, where,
 * and as whom; only "yes" (or "y") goes on. Skipped with --yes and for stages that are not production.
 */
export async function confirmChange(
  io: CliIo,
  stage: string,
  options: { yes?: boolean },
  change: { what: string; details: string[] },
): Promise<void> {
  if (options.yes || !isProductionStage(stage, envOf(io))) return;
  const terminal = io.terminal;
  if (!terminal?.stdinIsTTY) {
    refuseUnconfirmable(io, stage, options);
    return;
  }
  const lines = [`About to ${change.what}.`, ...change.details.map((line) => `  ${line}`)];
  const answer = await terminal.ask(`${lines.join("\n")}\nType yes to go on: `);
  if (!/^y(es)?$/i.test(answer.trim())) throw new ChangeNotConfirmed(change.what);
}
