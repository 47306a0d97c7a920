import { processIo } from "./cli-io.js";

// The handlers' structured logs are for CloudWatch; on a terminal each command prints its own output.
// Set before the program loads, because the logger reads its level once, when its module is evaluated:
// hence the dynamic import below rather than a static one.
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
const { runCli } = await import("./run-cli.js");
process.exitCode = await runCli(process.argv.slice(2), processIo);
