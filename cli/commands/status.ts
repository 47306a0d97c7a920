import { type ExecutionListItem, ListExecutionsCommand, SFNClient } from "@aws-sdk/client-sfn";
import { Command } from "commander";
import type { PlanRuntimeState } from "../../core/ports/plan-state.js";
import { WORKFLOW_KINDS } from "../../infra/names.js";
import { awsOf, type CliIo, envOf } from "../cli-io.js";
import { resolveStage, type StageOptions, withStageOptions } from "../stage-target.js";
import { renderTable } from "../text-table.js";

/** `kirikae status`: where each plan is active, what holds its lock, what waits for approval, what runs. */
export function statusCommand(io: CliIo): Command {
  return withStageOptions(
    new Command("status")
      .description("where each plan is active and what is in flight")
      .option("--plan <name>", "only this plan")
      .option("--json", "print one JSON document"),
  ).action(async (options: StageOptions & { plan?: string; json?: boolean }) => {
    const aws = awsOf(io);
    const target = await resolveStage(options, aws, envOf(io));
    const plans = options.plan ? [await target.state.get(options.plan)] : await target.state.list();
    const sfn = aws.clients.forRegion(target.region).get(SFNClient);
    const inFlight: ExecutionListItem[] = [];
    // Each plan has its own pair of state machines. A plan named with --plan must have them; a plan
    // whose state outlived its deployment (removed from the stage) has none, and runs nothing.
    for (const { plan } of plans) {
      for (const kind of WORKFLOW_KINDS) {
        const stateMachineArn = target.stateMachine(kind, plan);
        try {
          const listed = await sfn.send(
            new ListExecutionsCommand({ stateMachineArn, statusFilter: "RUNNING" }),
          );
          inFlight.push(...(listed.executions ?? []));
        } catch (error) {
          if (options.plan || (error as Error).name !== "StateMachineDoesNotExist") throw error;
        }
      }
    }
    if (options.json) {
      io.out(
        `${JSON.stringify({
          stage: target.stage,
          region: target.region,
          plans: plans.map(({ pendingApproval, ...rest }) => ({
            ...rest,
            // The token resumes a workflow; it is not for screens or logs.
            ...(pendingApproval ? { pendingApproval: { ...pendingApproval, taskToken: undefined } } : {}),
          })),
          running: inFlight.map((execution) => ({
            name: execution.name,
            executionArn: execution.executionArn,
            startDate: execution.startDate?.toISOString(),
          })),
        })}\n`,
      );
      return;
    }
    io.out(`stage ${target.stage}, control plane in ${target.region}\n\n`);
    io.out(
      plans.length === 0
        ? "no plan has run a workflow yet: each is where its plan file says it is active\n"
        : `${renderTable(["plan", "active in", "in flight", "waiting for", "last workflow ended"], plans.map(row))}\n`,
    );
    io.out(
      inFlight.length === 0
        ? "\nno workflow is running\n"
        : `\nrunning:\n${inFlight.map((execution) => `  ${execution.name}  started ${execution.startDate?.toISOString()}\n    ${execution.executionArn}`).join("\n")}\n  follow one with \`kirikae watch ARN\`, stop it with \`kirikae cancel ARN --reason TEXT\`\n`,
    );
  });
}

function row(state: PlanRuntimeState): string[] {
  return [
    state.plan,
    state.activeRegion ?? "(as in its plan)",
    state.lock ? `${state.lock.kind} ${state.lock.holder}` : "-",
    state.pendingApproval
      ? `${state.pendingApproval.question === "data-loss" ? "data-loss approval" : "approval"} until ${state.pendingApproval.expiresAt} (kirikae approve --plan ${state.plan})`
      : "-",
    state.lastWorkflowEndedAt ?? "-",
  ];
}
