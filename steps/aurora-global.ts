import { APPROVAL_REJECTED } from "../core/approval/decide-approval.js";
import { auditTrail, promotionCalls } from "../core/workflow/step-calls.js";
import { createPromoteDatabaseHandler } from "../functions/promote-database.js";
import { waitForAnswer } from "../stepfunctions/asl.js";
import { pollingStates } from "./polling-states.js";
import { pauseCalls } from "./step-call-parts.js";
import type { StepKind } from "./step-kind.js";

/**
 * An Aurora global database: promoted in the region being activated, by a switchover while the old
 * primary answers and by a failover only as the plan's `dataLoss` allows, pausing on a person where a
 * failover would lose more than the RPO ("Await data-loss approval"). Never undone: a promoted database
 * is not reverted by kirikae (invariant 2).
 */
export const auroraGlobalStep: StepKind<"aurora-global"> = {
  kind: "aurora-global",
  role: "database",
  releasesOnFailback: false,
  functions: [
    {
      key: "promoteDatabase",
      handler: "functions/promote-database.handler",
      create: createPromoteDatabaseHandler,
      access: [
        "database.describe",
        "database.probe",
        "database.lag",
        "database.promote",
        "traffic.gates",
        "dns.health",
        "audit.append",
      ],
      description: "Promotes a plan's Aurora global database in the region being activated",
    },
  ],
  states(context) {
    const verb = context.direction === "failover" ? "Promote" : "Switch over";
    const question = context.name("Await data-loss approval");
    const rejected = context.name("Data loss rejected");
    const unanswered = context.name("Data loss not approved");
    // A failback is a switchover and never asks; a failover may ask before losing data.
    if (context.direction === "failback") return pollingStates(context, verb, "promoteDatabase");
    const loop = pollingStates(context, verb, "promoteDatabase", {
      choices: [{ Variable: `${context.resultPath}.status`, StringEquals: "ask", Next: question }],
    });
    return {
      entry: loop.entry,
      states: {
        ...loop.states,
        // The promotion's question, inside its own loop so other blocks go on meanwhile and the lock stays
        // held: an approval goes back into the promotion as its result's `answer`; a rejection or no
        // answer fails the branch, so the run escalates with nothing promoted and DNS untouched.
        [question]: waitForAnswer({
          functionArn: context.arn("requestApproval"),
          payload: {
            question: "data-loss",
            "request.$": "$.request",
            "execution.$": "$.execution",
            "promotion.$": context.resultPath,
            // The pause's timeout is read at `resultPath`: carried through so the local runner, which
            // sees the Payload, finds it where Step Functions does (sandbox/workflow-timeouts.ts).
            "blocks.$": "$.blocks",
          },
          timeoutSecondsPath: `${context.resultPath}.question.timeoutSeconds`,
          resultPath: `${context.resultPath}.answer`,
          next: loop.entry,
          rejectedTo: { error: APPROVAL_REJECTED, resultPath: "$.dataLossAnswer", next: rejected },
          catchTo: { resultPath: "$.dataLossAnswer", next: unanswered },
        }),
        [rejected]: {
          Type: "Fail",
          Error: "DataLossRejected",
          // "rejected by <IAM identity>: <reason>", as `kirikae approve --reject` sent it.
          CausePath: "$.dataLossAnswer.Cause",
        },
        [unanswered]: {
          Type: "Fail",
          Error: "DataLossNotApproved",
          Cause:
            "No one approved the failover with data loss before the plan's rollback trigger; nothing was promoted and DNS was not touched.",
        },
      },
    };
  },
  calls: ({ block, plan, direction, source, target, waitsForAnswer }) => {
    const narrowed = { ...plan, database: block.database };
    // Only a plan that lets a person accept losing more than the RPO ever pauses on that question.
    if (waitsForAnswer) {
      return block.database.dataLoss === "approval-above-rpo" ? { calls: pauseCalls(target) } : undefined;
    }
    return { calls: [...promotionCalls(narrowed, direction, source, target), ...auditTrail(target)] };
  },
  describe: (block, direction) =>
    `${direction === "failover" ? "promote" : "switch over"} Aurora global database ${block.database.globalClusterIdentifier} (data loss: ${block.database.dataLoss})`,
  modelledSeconds: (_block, latencies) => latencies.auroraFailover / 1000,
};
