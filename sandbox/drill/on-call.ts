import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { accountOf } from "../build-estate.js";
import { sandboxClients } from "../sandbox-clients.js";
import type { ScenarioContext } from "./scenarios.js";

/** How long the drill's on-call engineer waits, after the region recovers, before failing back. */
const FAILBACK_AFTER_MS = 10 * 60_000;
/** How long the drill's on-call engineer takes to review a failover the plan wants approved. */
const APPROVAL_REVIEW_MS = 2 * 60_000;

/** The on-call engineer reviews the notified signal, agrees, and starts the failover from the console. */
export async function approveByHand(context: ScenarioContext, stateMachineArn: string): Promise<void> {
  await context.built.estate.clock.sleep(APPROVAL_REVIEW_MS);
  context.note("oncall-engineer approves: starts the failover from the console");
  await startByHand(context, stateMachineArn, "failover", "drill: signal reviewed, failover approved");
}

async function startByHand(context: ScenarioContext, stateMachineArn: string, kind: string, reason: string) {
  const { built, plan, controlPlane } = context;
  const operator = sandboxClients(
    built.estate,
    controlPlane.region,
    `arn:aws:iam::${accountOf(plan)}:user/oncall-engineer`,
  );
  await operator.sfn.send(
    new StartExecutionCommand({
      stateMachineArn,
      name: `${plan.name}-${kind}-drill`,
      input: JSON.stringify({ plan: plan.name, reason, ticket: "DRILL-1" }),
    }),
  );
}

/**
 * The incident is over: faults clear, the old region answers again, and a person starts the failback
 * from the console with the documented input, as their own IAM identity.
 */
export async function failBack(context: ScenarioContext, stateMachineArn: string): Promise<boolean> {
  const { built, plan } = context;
  const [failover] = built.models.sfn.all();
  if (failover?.status !== "SUCCEEDED") return false;
  built.estate.removeFaults();
  context.note(`${plan.activeRegion} answers again; faults cleared`);
  await built.estate.clock.sleep(FAILBACK_AFTER_MS);
  context.note("oncall-engineer starts the failback from the console");
  await startByHand(context, stateMachineArn, "failback", "drill: the region has recovered");
  await built.models.sfn.settled();
  return true;
}
