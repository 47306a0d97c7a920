import { type HttpProbeProgress, probeHttp } from "../core/recovery/probe-http.js";
import { blockTaskHandler } from "./runtime/block-task.js";
import { productionTaskDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";

export const createProbeHttpHandler = (deps: DepsSource<TaskDeps>) =>
  blockTaskHandler("probe-http", "http-probe", deps, (context, previous, resolved) =>
    probeHttp(context, resolved.httpProbe(context.plan), previous as HttpProbeProgress | undefined),
  );

export const handler = createProbeHttpHandler(memoize(productionTaskDeps));
