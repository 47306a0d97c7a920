import { Command } from "commander";
import { StepFunctionsCallbacks } from "../../adapters/aws/step-functions-callbacks.js";
import { decideApproval } from "../../core/approval/decide-approval.js";
import { awsOf, type CliIo, clockOf } from "../cli-io.js";
import { resolveStage, type StageOptions, stageIn, withStageOptions } from "../stage-target.js";

/** `kirikae approve`: answers a failover that waits for approval, as the caller's IAM identity. */
export function approveCommand(io: CliIo): Command {
  return withStageOptions(
    new Command("approve")
      .description("approve (or --reject) the failover of a plan that waits for approval")
      .requiredOption("--plan <name>", "the plan whose failover waits")
      .requiredOption("--reason <text>", "why: recorded in the audit trail with your IAM identity")
      .option("--reject", "stop the failover instead; nothing has changed yet")
      .option("--json", "print one JSON document"),
  ).action(
    async (options: StageOptions & { plan: string; reason: string; reject?: boolean; json?: boolean }) => {
      const aws = awsOf(io);
      const asked = await resolveStage(options, aws);
      // The state table is shared by both regions, but the paused execution, its task token and its audit
      // trail live in the region it runs in: answer there, whichever region was named.
      const waiting = (await asked.state.get(options.plan)).pendingApproval;
      const executionRegion = waiting?.executionId.split(":")[3];
      const target =
        executionRegion && executionRegion !== asked.region ? stageIn(executionRegion, asked, aws) : asked;
      const answered = await decideApproval(
        {
          state: target.state,
          audit: target.audit,
          clock: clockOf(io),
          callbacks: (executionId) => new StepFunctionsCallbacks(aws.clients, target.region, executionId),
          approver: target.identity,
        },
        { plan: options.plan, approve: !options.reject, reason: options.reason },
      );
      if (options.json) {
        io.out(
          `${JSON.stringify({ plan: options.plan, execution: answered.executionId, decision: answered.decision, approver: target.identity })}\n`,
        );
        return;
      }
      io.out(
        `✓ ${answered.decision} the failover of ${options.plan} as ${target.identity}\n` +
          `  execution: ${answered.executionId}\n` +
          `  ${answered.decision === "approved" ? "it resumes now; follow it with `kirikae status`" : "it stops without changing anything"}\n`,
      );
    },
  );
}
