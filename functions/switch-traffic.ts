import { RdsGlobalDatabase } from "../adapters/aws/rds-global-database.js";
import { Route53Dns } from "../adapters/aws/route53-dns.js";
import { TrafficGates } from "../adapters/aws/traffic-gates.js";
import { blocksOfKind } from "../core/blocks/plan-blocks.js";
import type { PromotionProgress } from "../core/failover/promote-database.js";
import { switchTraffic, type TrafficProgress } from "../core/failover/switch-traffic.js";
import { authoritativeAnswers } from "./runtime/authoritative-answers.js";
import { blockResults, blockTaskHandler } from "./runtime/block-task.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type StepDepsWith } from "./runtime/task-deps.js";

/** One Route 53 block's switch: its zone's gates or records, confirmed by what its name servers answer. */
export const createSwitchTrafficHandler = (deps: DepsSource<StepDepsWith<"dnsAnswers">>) =>
  blockTaskHandler("switch-traffic", "route53", deps, (context, previous, resolved, event) => {
    const plan = { ...context.plan, dns: context.block.dns };
    // Only the plan's first zone can have had its gates moved by a promotion (it moves plan.dns's).
    const [first] = blocksOfKind(context.plan.recovery.blocks, "route53");
    const primary = first?.id === context.block.id;
    const promotions = blockResults(
      event,
      context.plan.recovery.blocks,
      "aurora-global",
    ) as unknown as PromotionProgress[];
    return switchTraffic(
      { ...context, plan },
      {
        dns: new Route53Dns(resolved.clients),
        database: new RdsGlobalDatabase(resolved.clients),
        gates: new TrafficGates(resolved.clients),
        answers: resolved.dnsAnswers(plan),
      },
      (previous as TrafficProgress | undefined) ?? (primary ? movedWithPromotion(promotions) : undefined),
    );
  });

export const handler = createSwitchTrafficHandler(
  memoize(async () => ({ ...(await productionStepDeps()), dnsAnswers: authoritativeAnswers() })),
);

/** Gates already flipped inside a switchover's no-writer window: the step only confirms what DNS answers. */
function movedWithPromotion(promotions: readonly PromotionProgress[]): TrafficProgress | undefined {
  const movedAt = promotions.find((promotion) => promotion.gatesMovedAt !== undefined)?.gatesMovedAt;
  if (movedAt === undefined) return undefined;
  return { status: "pending", mode: "gates", changeIds: [], startedAt: movedAt, gatesSetAt: movedAt };
}
