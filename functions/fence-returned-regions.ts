import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { EksCompute } from "../adapters/aws/eks-compute.js";
import { probeClients } from "../adapters/aws/probe-clients.js";
import type { ClientProvider } from "../adapters/aws/region-clients.js";
import { eksKubernetes } from "../adapters/k8s/eks-kubernetes.js";
import type { Clock } from "../core/clock.js";
import { KirikaeError } from "../core/errors.js";
import { type FenceResult, fenceReturnedRegions } from "../core/failover/fence-returned-region.js";
import type { Plan } from "../core/plan/schema.js";
import type { AuditPort } from "../core/ports/audit.js";
import type { KubernetesPort } from "../core/ports/kubernetes.js";
import type { FencingStatePort } from "../core/ports/plan-state.js";
import type { NotifierPort } from "../core/ports/workflows.js";
import { loadConfig } from "./runtime/config.js";
import { logger } from "./runtime/logger.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { productionNotifier } from "./runtime/production-notifier.js";
import { type DepsSource, memoize } from "./runtime/task-deps.js";

export interface FenceReturnedRegionsDeps {
  plans: readonly Plan[];
  /** The region this control plane runs in: it fences for the plans it is the recovery region of. */
  region: string;
  clients: ClientProvider;
  clock: Clock;
  audit: AuditPort;
  state: FencingStatePort;
  notifier: NotifierPort;
  actor: string;
  kubernetes(region: string, clusterName: string): KubernetesPort;
}

/**
 * The scheduled fencing (every 5 minutes): after a data-loss failover, the region left is scaled to its
 * standby sizes once it answers again. Its event carries nothing it needs. A plan whose fencing failed
 * half-way fails the invocation once the others are done, so Lambda's error metric shows it; the next
 * run tries again.
 */
export const createFenceReturnedRegionsHandler = (deps: DepsSource<FenceReturnedRegionsDeps>) =>
  middy<unknown, FenceResult[]>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async () => {
      const resolved = await deps();
      const results = await fenceReturnedRegions(
        resolved.plans,
        {
          state: resolved.state,
          compute: new EksCompute(resolved.clients),
          // Whether the returning region answers at all is an advisory read: seconds, never minutes.
          probe: new EksCompute(probeClients(resolved.clients)),
          kubernetes: resolved.kubernetes,
          clock: resolved.clock,
          audit: resolved.audit,
          notifier: resolved.notifier,
          actor: resolved.actor,
        },
        { region: resolved.region },
      );
      for (const result of results) {
        if (result.outcome === "failed") logger.error("fencing failed", { ...result });
        else if (result.outcome === "skipped") logger.debug("nothing to fence", { ...result });
        else logger.info(`fencing: ${result.outcome}`, { ...result });
      }
      const failed = results.filter((result) => result.outcome === "failed").map((result) => result.plan);
      if (failed.length > 0) {
        throw new KirikaeError(`fencing the returned region failed for ${failed.join(", ")}`, {
          action: "see this function's log and the audit trail's failed records; the next run tries again",
        });
      }
      return results;
    });

async function productionFenceDeps(): Promise<FenceReturnedRegionsDeps> {
  const base = await productionStepDeps();
  return {
    plans: base.plans.names().flatMap((name) => base.plans.get(name) ?? []),
    region: loadConfig(process.env).region,
    clients: base.clients,
    clock: base.clock,
    audit: base.audit,
    state: base.state,
    notifier: productionNotifier(),
    actor: base.actor,
    kubernetes: eksKubernetes(base.clients),
  };
}

export const handler = createFenceReturnedRegionsHandler(memoize(productionFenceDeps));
