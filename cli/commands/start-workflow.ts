import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { Command } from "commander";
import { KirikaeError } from "../../core/errors.js";
import type { WorkflowKind } from "../../core/ports/plan-state.js";
import { awsOf, type CliIo, clockOf, DEFAULT_POLL_INTERVAL_MS, envOf } from "../cli-io.js";
import { confirmChange, refuseUnconfirmable } from "../confirm-change.js";
import { EXIT } from "../exit-codes.js";
import { followExecution } from "../follow-execution.js";
import { outcomeLines, pastAcceptance, reasonFromAudit, stepsDocument } from "../run-outcome.js";
import { resolveStage, type StageOptions, stageNameOf, withStageOptions } from "../stage-target.js";
import { progressView } from "../step-view.js";
import { styleFor } from "../terminal-style.js";

/** Another start of the same plan and kind, in the same second, with other input or already ended. */
export class RunAlreadyStarted extends KirikaeError {
  constructor(kind: WorkflowKind, plan: string, name: string) {
    super(`a ${kind} of ${plan} named ${name} was already started this second`, {
      action: "see it with `kirikae status`; to start another, wait a second and run the command again",
    });
    this.name = "RunAlreadyStarted";
  }
}

/** Accepting a request and the pre-checks take seconds; past this, say so and let `watch` follow on. */
const ACCEPTANCE_TIMEOUT_MS = 5 * 60_000;

interface StartOptions extends StageOptions {
  plan: string;
  reason: string;
  ticket?: string;
  wait?: boolean;
  yes?: boolean;
  json?: boolean;
}

/**
 * `kirikae failover` / `kirikae failback`: starts the deployed workflow with exactly the input a person
 * would paste in the console, so the first step validates, locks and audits it the same way, and the
 * initiator recorded is the caller's IAM identity from CloudTrail. It returns once the run is accepted
 * (its pre-checks passed) or refused, so a refusal is never reported as "started"; `--wait` follows it
 * to the end.
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
      .option("--wait", "follow the run step by step to its end; exit 1 unless it succeeds")
      .option("--yes", "change a production stage without asking")
      .option("--json", "print one JSON document"),
    { mutating: true },
  ).action(async (options: StartOptions) => {
    const env = envOf(io);
    const stage = stageNameOf(options, env, { mutating: true });
    refuseUnconfirmable(io, stage, options);
    const aws = awsOf(io);
    const target = await resolveStage({ ...options, stage }, aws, env, { mutating: true });
    await confirmChange(io, stage, options, {
      what: `start a ${kind} of plan ${options.plan}`,
      details: [
        `stage ${stage}, control plane in ${target.region}`,
        `as ${target.identity}`,
        `reason: ${options.reason}`,
      ],
    });
    const clock = clockOf(io);
    const stamp = clock.now().toISOString().replace(/[-:.]/g, "").slice(0, 15);
    const sfn = aws.clients.forRegion(target.region).get(SFNClient);
    const input = {
      plan: options.plan,
      reason: options.reason,
      ...(options.ticket ? { ticket: options.ticket } : {}),
    };
    const name = `${options.plan}-${kind}-${stamp}`;
    const started = await sfn
      .send(
        new StartExecutionCommand({
          stateMachineArn: target.stateMachine(kind, options.plan),
          name,
          input: JSON.stringify(input),
        }),
      )
      .catch((error: unknown) => {
        // The name carries the second, so the same command twice in a second starts one run (Step
        // Functions answers the second start with the first); other input under that name is refused.
        if ((error as Error).name === "ExecutionAlreadyExists")
          throw new RunAlreadyStarted(kind, options.plan, name);
        throw error;
      });
    const executionArn = started.executionArn ?? "";
    const style = styleFor(io);
    if (!options.json) io.out(`started ${kind} of ${options.plan}: ${executionArn}\n`);
    const followed = await followExecution({
      sfn,
      executionArn,
      clock,
      pollMs: io.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      ...(options.json ? {} : { view: progressView(io) }),
      ...(options.wait ? {} : { until: pastAcceptance, timeoutMs: ACCEPTANCE_TIMEOUT_MS }),
    });
    const { progress } = followed;
    const ended = followed.stopped === "ended";
    const why =
      ended && progress.status !== "SUCCEEDED"
        ? await reasonFromAudit(target.audit, executionArn)
        : undefined;
    if (ended && progress.status !== "SUCCEEDED") io.setExitCode(EXIT.failed);
    if (options.json) {
      io.out(
        `${JSON.stringify({
          kind,
          plan: options.plan,
          executionArn,
          status: progress.status,
          accepted: followed.stopped === "until" || progress.status === "SUCCEEDED",
          error: progress.error ?? null,
          reason: why ?? null,
          steps: stepsDocument(progress.steps),
        })}\n`,
      );
      return;
    }
    const follow = `kirikae watch ${executionArn}`;
    if (ended) io.out(outcomeLines(kind, progress, why, style));
    else if (followed.stopped === "until") {
      io.out(
        `${style.ok("✓")} accepted: the ${kind} of ${options.plan} is under way\n  follow it with \`${follow}\`, stop it with \`kirikae cancel ${executionArn} --reason TEXT\`\n`,
      );
    } else {
      io.out(
        `! the ${kind} of ${options.plan} is still in its first steps after ${ACCEPTANCE_TIMEOUT_MS / 60_000} min: it may yet be refused\n  follow it with \`${follow}\`\n`,
      );
    }
  });
}
