import {
  requestApproval,
  requestBlockApproval,
  requestDataLossApproval,
} from "../core/approval/request-approval.js";
import type { PromotionProgress } from "../core/failover/promote-database.js";
import { InvalidWorkflowInput } from "../core/workflow/workflow-errors.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { productionNotifier } from "./runtime/production-notifier.js";
import { type DepsSource, memoize, type StepDepsWith } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";

/**
 * The step a failover pauses on until a person answers (`lambda:invoke.waitForTaskToken`): it keeps the
 * token and asks; the workflow resumes when `kirikae approve` sends the token back. It asks one of two
 * questions: whether to start (approval mode, "Await approval"), or whether to fail over with data loss
 * ("Await data-loss approval", with the question the promotion step put in its result).
 */
export const createRequestApprovalHandler = (deps: DepsSource<StepDepsWith<"notifier">>) =>
  taskHandler("request-approval", deps, async (context, event, resolved) => {
    if (!event.taskToken) {
      throw new InvalidWorkflowInput("the approval step was invoked without a task token", {
        action: "invoke it only through the state machine's waitForTaskToken integration",
      });
    }
    if (event.question === "data-loss") {
      const question = (event.promotion as PromotionProgress | undefined)?.question;
      if (event.promotion?.status !== "ask" || question === undefined) {
        throw new InvalidWorkflowInput("the data-loss question was asked without the promotion's question", {
          action: "invoke it only from the failover state machine, after the promotion step asked",
        });
      }
      await requestDataLossApproval(context, resolved, event.taskToken, question);
      return { requested: true };
    }
    if (event.question === "block") {
      const block = context.plan.recovery.blocks.find((candidate) => candidate.id === event.block);
      if (block?.kind !== "approval") {
        throw new InvalidWorkflowInput(`the plan has no approval block "${event.block ?? ""}"`, {
          action: "deploy the plan's state machines again: they were generated from another version of it",
        });
      }
      await requestBlockApproval(context, resolved, event.taskToken, {
        block: block.id,
        question: block.question,
        timeoutSeconds: block.timeoutMinutes * 60,
      });
      return { requested: true };
    }
    await requestApproval(context, resolved, event.taskToken, event.precheck);
    return { requested: true };
  });

export const handler = createRequestApprovalHandler(
  memoize(async () => ({ ...(await productionStepDeps()), notifier: productionNotifier() })),
);
