import type { PromotionProgress } from "../core/failover/promote-database.js";
import { switchTraffic, type TrafficProgress } from "../core/failover/switch-traffic.js";
import { productionTaskDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";
import { awsPorts } from "./runtime/task-ports.js";

export const createSwitchTrafficHandler = (deps: DepsSource<TaskDeps>) =>
  taskHandler("switch-traffic", deps, (context, event, resolved) =>
    switchTraffic(
      context,
      { ...awsPorts(resolved), answers: resolved.dnsAnswers(context.plan) },
      (event.traffic as TrafficProgress | undefined) ?? movedWithPromotion(event),
    ),
  );

export const handler = createSwitchTrafficHandler(memoize(productionTaskDeps));

/** Gates already flipped inside a switchover's no-writer window: the step only confirms what DNS answers. */
function movedWithPromotion(event: Record<string, unknown>): TrafficProgress | undefined {
  const recovery = event.recovery as { promotion?: PromotionProgress } | undefined;
  const promotion = recovery?.promotion ?? (event.promotion as PromotionProgress | undefined);
  if (promotion?.gatesMovedAt === undefined) return undefined;
  return {
    status: "pending",
    mode: "gates",
    changeIds: [],
    startedAt: promotion.gatesMovedAt,
    gatesSetAt: promotion.gatesMovedAt,
  };
}
