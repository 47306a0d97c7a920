import { processIo } from "./cli-io.js";

// The handlers' structured logs are for CloudWatch; on a terminal the drill prints its own progress.
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
const { runCli } = await import("./program.js");
process.exitCode = await runCli(process.argv.slice(2), processIo);
