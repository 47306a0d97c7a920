import type { Plan } from "../plan/schema.js";
import { blocksOfKind } from "./plan-blocks.js";

/**
 * A plan seen once per block of a kind, with that block as its `database`, `dns` or `compute`: how every
 * Aurora global database, zone and EKS cluster of a plan of blocks is seeded, granted and checked with
 * the code written for a first-version plan's one of each. The first view is the plan itself, whose
 * `database` / `dns` / `compute` are that first block (or a change made to them by code that narrowed
 * the plan).
 */
export function databaseViews(plan: Plan): Plan[] {
  const [, ...rest] = blocksOfKind(plan.recovery.blocks, "aurora-global");
  return [plan, ...rest.map((block) => ({ ...plan, database: block.database }))];
}

export function dnsViews(plan: Plan): Plan[] {
  const [, ...rest] = blocksOfKind(plan.recovery.blocks, "route53");
  return [plan, ...rest.map((block) => ({ ...plan, dns: block.dns }))];
}

/** `compute` already joins every EKS block's clusters; one view per block only when there are several. */
export function computeViews(plan: Plan): Plan[] {
  const blocks = blocksOfKind(plan.recovery.blocks, "eks");
  if (blocks.length <= 1) return blocks.length === 0 && plan.compute.clusters.length === 0 ? [] : [plan];
  return blocks.map((block) => ({ ...plan, compute: block.compute }));
}
