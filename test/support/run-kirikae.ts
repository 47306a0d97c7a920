import type { CliIo } from "../../cli/cli-io.js";
import { runCli } from "../../cli/run-cli.js";

/**
 * Runs `kirikae` in-process with captured output. runCli reports the status through its return value;
 * nothing reaches the real process. `io` adds AWS clients or a clock for the operational commands.
 */
export async function runKirikae(argv: readonly string[], io: Partial<Pick<CliIo, "aws" | "clock">> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    setExitCode: () => undefined,
    ...io,
  });
  return { code, stdout, stderr };
}
