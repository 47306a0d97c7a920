import { completeWorkflow } from "../core/failover/finish-workflow.js";
import type { VerificationProgress } from "../core/failover/verify-recovery.js";
import { productionTaskDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";

export const createCompleteWorkflowHandler = (deps: DepsSource<TaskDeps>) =>
  taskHandler("complete-workflow", deps, (context, event, resolved) =>
    completeWorkflow(context, resolved, (event.verification ?? { status: "done" }) as VerificationProgress),
  );

export const handler = createCompleteWorkflowHandler(memoize(productionTaskDeps));
