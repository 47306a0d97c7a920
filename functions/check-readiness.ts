import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { CloudWatchMetrics } from "../adapters/aws/cloudwatch-metrics.js";
import { awsReadinessDeps } from "../adapters/aws/readiness-ports.js";
import type { ClientProvider } from "../adapters/aws/region-clients.js";
import type { Clock } from "../core/clock.js";
import { KirikaeError } from "../core/errors.js";
import type { Plan } from "../core/plan/schema.js";
import type { MetricsPort } from "../core/ports/metrics.js";
import type { PlanStatePort } from "../core/ports/plan-state.js";
import type { NotifierPort } from "../core/ports/workflows.js";
import { checkDeployedPlans, type PlanReadiness } from "../core/readiness/check-deployed-plans.js";
import { functionName } from "../infra/names.js";
import { ConfigError, loadConfig } from "./runtime/config.js";
import { logger } from "./runtime/logger.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { productionNotifier } from "./runtime/production-notifier.js";
import { type DepsSource, memoize } from "./runtime/task-deps.js";

export interface CheckReadinessDeps {
  plans: readonly Plan[];
  clients: ClientProvider;
  clock: Clock;
  notifier: NotifierPort;
  metrics: MetricsPort;
  state: Pick<PlanStatePort, "get">;
  /** The control plane's stage, whose detector the plans' alarms must reach. */
  stage: string;
}

/**
 * The scheduled readiness check (every 30 minutes): checks every deployed plan, publishes each one's gap
 * count, notifies on gaps. Its event carries nothing it needs. A plan that could not be checked fails the
 * invocation once the others are done, so Lambda's own error metric shows it too.
 */
export const createCheckReadinessHandler = (deps: DepsSource<CheckReadinessDeps>) =>
  middy<unknown, PlanReadiness[]>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async () => {
      const resolved = await deps();
      const results = await checkDeployedPlans(
        resolved.plans,
        {
          ...awsReadinessDeps(resolved.clients, resolved.clock),
          metrics: resolved.metrics,
          notifier: resolved.notifier,
          state: resolved.state,
        },
        { detectorFunction: functionName(resolved.stage, "detectAlarm") },
      );
      for (const result of results) {
        if ("error" in result) logger.error("readiness check could not run", { ...result });
        else if (result.gaps.length > 0) logger.warn("readiness gaps", { ...result });
        else logger.info("ready", { plan: result.plan, summary: result.summary });
      }
      const failed = results.filter((result) => "error" in result).map((result) => result.plan);
      if (failed.length > 0) {
        throw new KirikaeError(`the readiness check could not run for ${failed.join(", ")}`, {
          action: "see the notification (or this function's log) for what the check was refused",
        });
      }
      return results;
    });

async function productionCheckReadinessDeps(): Promise<CheckReadinessDeps> {
  const base = await productionStepDeps();
  const config = loadConfig(process.env);
  if (!config.stage) {
    throw new ConfigError(
      "KIRIKAE_STAGE is not set, so the check cannot name the detector alarms must reach",
    );
  }
  return {
    plans: base.plans.names().flatMap((name) => base.plans.get(name) ?? []),
    clients: base.clients,
    clock: base.clock,
    notifier: productionNotifier(),
    metrics: new CloudWatchMetrics(base.clients, config.region),
    state: base.state,
    stage: config.stage,
  };
}

export const handler = createCheckReadinessHandler(memoize(productionCheckReadinessDeps));
