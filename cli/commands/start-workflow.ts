import { DescribeExecutionCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { Command } from "commander";
import type { AuditRecord } from "../../core/ports/audit.js";
import type { WorkflowKind } from "../../core/ports/plan-state.js";
import { awsOf, type CliIo, clockOf } from "../cli-io.js";
import { resolveStage, type StageOptions, withStageOptions } from "../stage-target.js";

const POLL_MS = 15_000;

interface StartOptions extends StageOptions {
  plan: string;
  reason: string;
  ticket?: string;
  wait?: boolean;
  json?: boolean;
}

/**
 * `kirikae failover` / `kirikae failback`: starts the deployed workflow with exactly the input a person
 * would paste in the console, so the first step validates, locks and audits it the same way, and the
 * initiator recorded is the caller's IAM identity from CloudTrail.
 */
export function startWorkflowCommand(kind: WorkflowKind, io: CliIo): Command {
  return withStageOptions(
    new Command(kind)
      .description(
        kind === "failback"
          ? "start the failback of a plan to its home region (by planned switchover)"
          : "start a failover of a plan to its standby region by hand",
      )
      .requiredOption("--plan <name>", "the deployed plan's name")
      .requiredOption("--reason <text>", "why: recorded in the audit trail and the report")
      .option("--ticket <id>", "the incident or change ticket")
      .option("--wait", "follow the execution until it ends; exit non-zero unless it succeeds")
      .option("--json", "print one JSON document"),
  ).action(async (options: StartOptions) => {
    const aws = awsOf(io);
    const target = await resolveStage(options, aws);
    const clock = clockOf(io);
    const stamp = clock.now().toISOString().replace(/[-:.]/g, "").slice(0, 15);
    const sfn = aws.clients.forRegion(target.region).sfn;
    const input = {
      plan: options.plan,
      reason: options.reason,
      ...(options.ticket ? { ticket: options.ticket } : {}),
    };
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: target.stateMachines[kind],
        name: `${options.plan}-${kind}-${stamp}`,
        input: JSON.stringify(input),
      }),
    );
    const executionArn = started.executionArn ?? "";
    if (!options.json) io.out(`started ${kind} of ${options.plan}: ${executionArn}\n`);
    if (!options.wait) {
      if (options.json)
        io.out(`${JSON.stringify({ kind, plan: options.plan, executionArn, status: "RUNNING" })}\n`);
      else io.out("  follow it with `kirikae status`, or in the Step Functions console\n");
      return;
    }
    const began = clock.now().getTime();
    let status = "RUNNING";
    let error: string | undefined;
    while (status === "RUNNING") {
      await clock.sleep(POLL_MS);
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      status = described.status ?? "UNKNOWN";
      error = described.error;
      if (status === "RUNNING" && !options.json) {
        io.out(`  … running, ${Math.round((clock.now().getTime() - began) / 60_000)} min\n`);
      }
    }
    const why =
      status === "SUCCEEDED"
        ? undefined
        : reasonFromAudit(await target.audit.query({ executionId: executionArn }));
    if (options.json) {
      io.out(
        `${JSON.stringify({ kind, plan: options.plan, executionArn, status, error: error ?? null, reason: why ?? null })}\n`,
      );
    } else {
      io.out(
        `${status === "SUCCEEDED" ? "✓" : "✗"} ${kind} ${status.toLowerCase()}${error ? ` (${error})` : ""}\n`,
      );
      if (why) io.out(`  why: ${why}\n`);
    }
    if (status !== "SUCCEEDED") io.setExitCode(1);
  });
}

/** The Fail state's cause is generic; the audit trail holds the specific reason the run stopped. */
function reasonFromAudit(records: AuditRecord[]): string | undefined {
  const failed = records.filter(
    (record) => record.error && (record.outcome === "failed" || record.outcome === "ignored"),
  );
  return failed.at(-1)?.error?.message;
}
