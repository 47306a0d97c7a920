import { precheck } from "../core/failover/precheck.js";
import { productionTaskDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";
import { awsPorts } from "./runtime/task-ports.js";

export const createPrecheckHandler = (deps: DepsSource<TaskDeps>) =>
  taskHandler("precheck", deps, (context, _event, resolved) => precheck(context, awsPorts(resolved)));

export const handler = createPrecheckHandler(memoize(productionTaskDeps));
