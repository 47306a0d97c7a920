import type { PromotionProgress } from "../core/failover/promote-database.js";
import { verifyRecovery } from "../core/failover/verify-recovery.js";
import { blockResults } from "./runtime/block-task.js";
import { productionTaskDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";
import { awsPorts } from "./runtime/task-ports.js";

export const createVerifyRecoveryHandler = (deps: DepsSource<TaskDeps>) =>
  taskHandler("verify-recovery", deps, (context, event, resolved) =>
    verifyRecovery(
      context,
      { ...awsPorts(resolved), answers: resolved.dnsAnswers(context.plan), kubernetes: resolved.kubernetes },
      blockResults(event, context.plan.recovery.blocks, "aurora-global")[0] as unknown as
        | PromotionProgress
        | undefined,
    ),
  );

export const handler = createVerifyRecoveryHandler(memoize(productionTaskDeps));
