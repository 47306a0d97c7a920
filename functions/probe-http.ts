import { FetchHttpProbe } from "../adapters/http/fetch-http-probe.js";
import { type HttpProbeProgress, probeHttp } from "../core/recovery/probe-http.js";
import { blockTaskHandler } from "./runtime/block-task.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type StepDepsWith } from "./runtime/task-deps.js";

export const createProbeHttpHandler = (deps: DepsSource<StepDepsWith<"httpProbe">>) =>
  blockTaskHandler("probe-http", "http-probe", deps, (context, previous, resolved) =>
    probeHttp(context, resolved.httpProbe(context.plan), previous as HttpProbeProgress | undefined),
  );

export const handler = createProbeHttpHandler(
  memoize(async () => ({ ...(await productionStepDeps()), httpProbe: () => new FetchHttpProbe() })),
);
