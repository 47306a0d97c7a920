import { Command } from "commander";
import { StepFunctionsCallbacks } from "../../adapters/aws/step-functions-callbacks.js";
import { decideApproval } from "../../core/approval/decide-approval.js";
import { awsOf, type CliIo, clockOf, envOf } from "../cli-io.js";
import { confirmChange, refuseUnconfirmable } from "../confirm-change.js";
import { resolveStage, type StageOptions, stageIn, stageNameOf, withStageOptions } from "../stage-target.js";

/**
 * `kirikae approve`: answers a failover that waits for a person, as the caller's IAM identity, whichever
 * question it asks: whether to start (a plan in approval mode), or whether to fail over with data loss
 * above the RPO (`dataLoss: "approval-above-rpo"`). The pending question says which.
 */
export function approveCommand(io: CliIo): Command {
  return withStageOptions(
    new Command("approve")
      .description(
        "approve (or --reject) what a plan's failover waits for: starting it (triggers.mode approval), " +
          'or failing over with data loss above the RPO or of unknown size (database.dataLoss "approval-above-rpo")',
      )
      .requiredOption("--plan <name>", "the plan whose failover waits")
      .requiredOption("--reason <text>", "why: recorded in the audit trail with your IAM identity")
      .option(
        "--reject",
        "stop the failover instead: before it starts nothing has changed; a rejected data loss escalates with nothing promoted",
      )
      .option("--yes", "answer for a production stage without asking")
      .option("--json", "print one JSON document"),
    { mutating: true },
  ).action(
    async (
      options: StageOptions & {
        plan: string;
        reason: string;
        reject?: boolean;
        yes?: boolean;
        json?: boolean;
      },
    ) => {
      const env = envOf(io);
      const stage = stageNameOf(options, env, { mutating: true });
      refuseUnconfirmable(io, stage, options);
      const aws = awsOf(io);
      const asked = await resolveStage({ ...options, stage }, aws, env, { mutating: true });
      await confirmChange(io, stage, options, {
        what: `${options.reject ? "reject" : "approve"} what the failover of plan ${options.plan} waits for`,
        details: [
          `stage ${stage}, control plane in ${asked.region}`,
          `as ${asked.identity}`,
          `reason: ${options.reason}`,
        ],
      });
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
          `${JSON.stringify({ plan: options.plan, execution: answered.executionId, question: answered.question, decision: answered.decision, approver: target.identity })}\n`,
        );
        return;
      }
      const dataLoss = answered.question === "data-loss";
      const next =
        answered.decision === "approved"
          ? dataLoss
            ? `the database fails over now, losing the writes not replicated; follow it with \`kirikae watch ${answered.executionId}\``
            : `it resumes now; follow it with \`kirikae watch ${answered.executionId}\``
          : dataLoss
            ? "it escalates: nothing promoted, DNS untouched"
            : "it stops without changing anything";
      io.out(
        `✓ ${answered.decision} the ${dataLoss ? "failover with data loss" : "failover"} of ${options.plan} as ${target.identity}\n` +
          `  ${dataLoss ? `asked: ${answered.summary}\n  ` : ""}execution: ${answered.executionId}\n` +
          `  ${next}\n`,
      );
    },
  );
}
