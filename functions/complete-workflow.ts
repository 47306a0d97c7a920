import { completeWorkflow } from "../core/failover/finish-workflow.js";
import type { VerificationProgress } from "../core/failover/verify-recovery.js";
import type { Plan } from "../core/plan/schema.js";
import type { PromotionMode } from "../core/ports/plan-state.js";
import { blockResults } from "./runtime/block-task.js";
import { productionTaskDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";
import type { TaskEvent } from "./runtime/task-event.js";
import { taskHandler } from "./runtime/task-handler.js";

/** How this run promoted its (first) database, from that block's result. */
function promotionMode(event: TaskEvent, plan: Plan): PromotionMode | undefined {
  const mode = blockResults(event, plan.recovery.blocks, "aurora-global")[0]?.mode;
  return mode === "switchover" || mode === "failover" ? mode : undefined;
}

export const createCompleteWorkflowHandler = (deps: DepsSource<TaskDeps>) =>
  taskHandler("complete-workflow", deps, (context, event, resolved) =>
    completeWorkflow(
      context,
      resolved,
      (event.verification ?? { status: "done" }) as VerificationProgress,
      promotionMode(event, context.plan),
    ),
  );

export const handler = createCompleteWorkflowHandler(memoize(productionTaskDeps));
