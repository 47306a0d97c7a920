import { DescribeExecutionCommand, SFNClient } from "@aws-sdk/client-sfn";
import { Command } from "commander";
import type { WorkflowOutcome } from "../../core/failover/finish-workflow.js";
import { type CancelOutcome, cancelRun, NothingToCancel } from "../cancel-run.js";
import { awsOf, type CliIo, clockOf, DEFAULT_POLL_INTERVAL_MS, envOf } from "../cli-io.js";
import { confirmChange, refuseUnconfirmable } from "../confirm-change.js";
import { parseExecutionArn, stageOfExecution } from "../execution-arn.js";
import { EXIT } from "../exit-codes.js";
import { invokeWithLambda } from "../lambda-invoke.js";
import { stageIn, stageNameOf } from "../stage-target.js";
import type { ExecutionStatus } from "../step-timeline.js";
import { styleFor } from "../terminal-style.js";
import { CliUsageError } from "../usage-error.js";

interface CancelOptions {
  reason: string;
  stage?: string;
  yes?: boolean;
  json?: boolean;
}

/**
 * `kirikae cancel EXECUTION --reason TEXT`: stops a running failover or failback and runs the workflow's
 * own escalation, so what the run changed is left as a failed run leaves it (cli/cancel-run.ts); audited
 * with the caller's IAM identity. The stage and region come from the execution's ARN.
 */
export function cancelCommand(io: CliIo): Command {
  return new Command("cancel")
    .description(
      "stop a running failover or failback safely: stop it, then run the workflow's own escalation (what is safe is undone, DNS is not moved), audited with your IAM identity",
    )
    .argument("<execution>", "the execution ARN (from `kirikae failover`, `kirikae status`, or the console)")
    .requiredOption("--reason <text>", "why: recorded in the audit trail with your IAM identity")
    .option("--stage <name>", "the stage the execution belongs to: read from its ARN; given, it must match")
    .option("--yes", "cancel on a production stage without asking")
    .option("--json", "print one JSON document")
    .action(async (executionArn: string, options: CancelOptions) => {
      const execution = parseExecutionArn(executionArn);
      const aws = awsOf(io);
      const sfn = aws.clients.forRegion(execution.region).get(SFNClient);
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      const plan = planOf(described.input);
      if (!plan) {
        throw new CliUsageError(
          `${executionArn} is not a kirikae run: its input names no plan`,
          "give the ARN of a failover or failback execution",
        );
      }
      const stage = stageOfExecution(execution, plan) ?? stageNameOf(options, envOf(io), { mutating: true });
      if (options.stage !== undefined && options.stage !== stage) {
        throw new CliUsageError(
          `${executionArn} belongs to stage ${stage}, not ${options.stage}`,
          "check the execution ARN, or leave --stage out: the ARN names the stage",
        );
      }
      const status = (described.status ?? "RUNNING") as ExecutionStatus;
      if (status !== "RUNNING" && status !== "ABORTED")
        throw new NothingToCancel(executionArn, execution.kind, status);
      refuseUnconfirmable(io, stage, options);
      const identity = await aws.callerIdentity(execution.region);
      const target = stageIn(execution.region, { stage, identity }, aws);
      if (status === "ABORTED" && (await target.state.get(plan)).lock?.holder !== execution.name) {
        report(
          io,
          options,
          { executionArn, plan, kind: execution.kind, identity, reason: options.reason },
          {
            result: "cancelled",
            stoppedNow: false,
            escalation: "not-needed",
          },
        );
        return;
      }
      await confirmChange(io, stage, options, {
        what: `cancel the ${execution.kind} of plan ${plan}`,
        details: [
          executionArn,
          `stage ${stage}, control plane in ${execution.region}`,
          `as ${identity}`,
          `reason: ${options.reason}`,
          "it stops the run, then escalates as a failed run does: what is safe is undone, DNS is not moved",
        ],
      });
      const outcome = await cancelRun(
        {
          sfn,
          clock: clockOf(io),
          pollMs: io.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
          target,
          invoke:
            aws.invokeFunction ??
            ((region, name, payload) => invokeWithLambda(aws.clients, region, name, payload)),
          note: (text) => io.err(`  ${text}\n`),
        },
        { execution, plan, reason: options.reason, status },
      );
      report(
        io,
        options,
        { executionArn, plan, kind: execution.kind, identity, reason: options.reason },
        outcome,
      );
    });
}

function planOf(input: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(input ?? "null") as { plan?: unknown } | null;
    return typeof parsed?.plan === "string" ? parsed.plan : undefined;
  } catch {
    return undefined;
  }
}

interface Cancelled {
  executionArn: string;
  plan: string;
  kind: string;
  identity: string;
  reason: string;
}

function report(io: CliIo, options: CancelOptions, run: Cancelled, outcome: CancelOutcome): void {
  if (outcome.result === "ended-first") io.setExitCode(EXIT.failed);
  if (options.json) {
    io.out(
      `${JSON.stringify({
        ok: outcome.result === "cancelled",
        executionArn: run.executionArn,
        plan: run.plan,
        kind: run.kind,
        cancelledBy: run.identity,
        ...outcome,
      })}\n`,
    );
    return;
  }
  const style = styleFor(io);
  if (outcome.result === "ended-first") {
    io.out(
      `${style.bad("✗")} the ${run.kind} of ${run.plan} ended (${outcome.status.toLowerCase()}) before it could be stopped: nothing was cancelled\n`,
    );
    return;
  }
  const lines = [
    `${style.ok("✓")} cancelled the ${run.kind} of ${run.plan}${outcome.stoppedNow ? "" : " (it was already stopped)"}`,
    `  by ${run.identity}: ${run.reason}`,
    `  ${escalationLine(outcome.escalation)}`,
    `  \`kirikae status\` shows where the plan is now; \`kirikae audit query --execution ${run.executionArn}\` what was done`,
  ];
  io.out(`${lines.join("\n")}\n`);
}

function escalationLine(escalation: WorkflowOutcome | "released-lock" | "not-needed"): string {
  if (escalation === "not-needed") return "it held no lock on the plan: there was nothing to escalate";
  if (escalation === "released-lock") {
    return "it was stopped in its first step, before its request was accepted: nothing had changed; its lock on the plan was released";
  }
  const undone =
    escalation.compensated && escalation.compensated.length > 0
      ? `undone: ${escalation.compensated.join("; ")}`
      : "nothing needed undoing";
  return `escalated as the workflow escalates (${escalation.status}): ${undone}; the database writer is in ${escalation.activeRegion}; DNS was not moved`;
}
