import { type PromotionProgress, promoteDatabase } from "../core/failover/promote-database.js";
import { productionTaskDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";
import { awsPorts } from "./runtime/task-ports.js";

export const createPromoteDatabaseHandler = (deps: DepsSource<TaskDeps>) =>
  taskHandler("promote-database", deps, (context, event, resolved) =>
    promoteDatabase(context, awsPorts(resolved), event.promotion as PromotionProgress | undefined),
  );

export const handler = createPromoteDatabaseHandler(memoize(productionTaskDeps));
