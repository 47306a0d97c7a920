import type { CliIo } from "../../cli/cli-io.js";
import { runCli } from "../../cli/run-cli.js";

/** What a test may hand the CLI besides its writers. */
export type KirikaeIo = Partial<
  Pick<CliIo, "aws" | "clock" | "env" | "terminal" | "pollIntervalMs" | "awsSettings">
>;

/**
 * Runs `kirikae` in-process with captured output. runCli reports the status through its return value;
 * nothing reaches the real process. `io` adds AWS clients or a clock for the operational commands. The
 * environment is empty unless given, so a developer's AWS_PROFILE or KIRIKAE_STAGE never leaks into a test.
 */
export async function runKirikae(argv: readonly string[], io: KirikaeIo = {}) {
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
    env: {},
    ...io,
  });
  return { code, stdout, stderr };
}
