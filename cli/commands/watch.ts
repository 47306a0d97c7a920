import { SFNClient } from "@aws-sdk/client-sfn";
import { Command } from "commander";
import { DynamoDbAuditTrail } from "../../adapters/aws/dynamodb-audit-trail.js";
import { tableName } from "../../infra/names.js";
import type { CliAws } from "../cli-aws.js";
import { describeFailure } from "../cli-failure.js";
import { awsOf, type CliIo, clockOf, DEFAULT_POLL_INTERVAL_MS } from "../cli-io.js";
import { parseExecutionArn, stageOfExecution } from "../execution-arn.js";
import { EXIT } from "../exit-codes.js";
import { followExecution } from "../follow-execution.js";
import { outcomeLines, reasonFromAudit, stepsDocument } from "../run-outcome.js";
import type { ExecutionProgress } from "../step-timeline.js";
import { progressView } from "../step-view.js";
import { styleFor } from "../terminal-style.js";

/**
 * `kirikae watch EXECUTION`: the live step view of a failover or failback, from its execution history,
 * until it ends. Only reads, so Ctrl-C leaves the run untouched. Exits 1 unless the run succeeded.
 */
export function watchCommand(io: CliIo): Command {
  return new Command("watch")
    .description("follow a failover or failback step by step until it ends; exit 1 unless it succeeds")
    .argument("<execution>", "the execution ARN (from `kirikae failover`, `kirikae status`, or the console)")
    .option("--json", "print one JSON document when the run ends")
    .action(async (executionArn: string, options: { json?: boolean }) => {
      const execution = parseExecutionArn(executionArn);
      const aws = awsOf(io);
      if (!options.json) io.out(`${execution.kind} ${executionArn}\n`);
      const { progress } = await followExecution({
        sfn: aws.clients.forRegion(execution.region).get(SFNClient),
        executionArn,
        clock: clockOf(io),
        pollMs: io.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
        ...(options.json ? {} : { view: progressView(io) }),
      });
      const why = progress.status === "SUCCEEDED" ? undefined : await reasonOf(io, aws, progress);
      if (progress.status !== "SUCCEEDED") io.setExitCode(EXIT.failed);
      if (options.json) {
        io.out(
          `${JSON.stringify({
            executionArn,
            kind: execution.kind,
            status: progress.status,
            error: progress.error ?? null,
            reason: why ?? null,
            steps: stepsDocument(progress.steps),
          })}\n`,
        );
        return;
      }
      io.out(outcomeLines(execution.kind, progress, why, styleFor(io)));
    });
}

/**
 * Why the run did not succeed, from the audit trail of the stage its state machine belongs to, in the
 * region it ran in. The watch has done its job without it: a trail that cannot be read is said in a note.
 */
async function reasonOf(io: CliIo, aws: CliAws, progress: ExecutionProgress): Promise<string | undefined> {
  const execution = parseExecutionArn(progress.executionArn);
  const plan = (progress.input as { plan?: unknown } | undefined)?.plan;
  const stage = typeof plan === "string" ? stageOfExecution(execution, plan) : undefined;
  if (!stage) return undefined;
  try {
    const audit = new DynamoDbAuditTrail(aws.documents(execution.region), tableName(stage, "audit"));
    return await reasonFromAudit(audit, progress.executionArn);
  } catch (error) {
    io.err(`  (the audit trail could not be read for the reason: ${describeFailure(error).message})\n`);
    return undefined;
  }
}
