import { completeWorkflow } from "../core/failover/finish-workflow.js";
import type { VerificationProgress } from "../core/failover/verify-recovery.js";
import type { PromotionMode } from "../core/ports/plan-state.js";
import { productionTaskDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";
import type { TaskEvent } from "./runtime/task-event.js";
import { taskHandler } from "./runtime/task-handler.js";

/** How this run promoted: the failover's parallel branch result, or the failback's own step. */
function promotionMode(event: TaskEvent): PromotionMode | undefined {
  const mode = (event.recovery?.promotion ?? event.promotion)?.mode;
  return mode === "switchover" || mode === "failover" ? mode : undefined;
}

export const createCompleteWorkflowHandler = (deps: DepsSource<TaskDeps>) =>
  taskHandler("complete-workflow", deps, (context, event, resolved) =>
    completeWorkflow(
      context,
      resolved,
      (event.verification ?? { status: "done" }) as VerificationProgress,
      promotionMode(event),
    ),
  );

export const handler = createCompleteWorkflowHandler(memoize(productionTaskDeps));
