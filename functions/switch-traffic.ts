import { switchTraffic, type TrafficProgress } from "../core/failover/switch-traffic.js";
import { productionTaskDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";
import { awsPorts } from "./runtime/task-ports.js";

export const createSwitchTrafficHandler = (deps: DepsSource<TaskDeps>) =>
  taskHandler("switch-traffic", deps, (context, event, resolved) =>
    switchTraffic(context, awsPorts(resolved), event.traffic as TrafficProgress | undefined),
  );

export const handler = createSwitchTrafficHandler(memoize(productionTaskDeps));
