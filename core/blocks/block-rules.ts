import type { PlanIssue } from "../plan/plan-rules.js";
import type { Block } from "./block-schemas.js";
import { blocksOfKind } from "./plan-blocks.js";

interface BlockedPlan {
  regions: string[];
  recovery: { blocks: Block[] };
}

/** Where an issue about block `index`'s `field` is reported: a plan of blocks and an old plan differ. */
export type BlockPath = (index: number, field: string) => string;

/**
 * The rules a plan's blocks must keep so that the generated workflow is one AWS accepts and one that
 * never moves traffic early:
 *   - ids are unique, `after` names other blocks of the plan, and the order has no cycle;
 *   - the plan has an Aurora global database and a Route 53 block (the writer and what users resolve);
 *   - every Route 53 block comes after every Aurora block, directly or through others: traffic never
 *     moves to a region before its databases are writers (invariant 1);
 *   - per-region resources name both of the plan's regions, since a failback runs the other way.
 */
export function checkBlockRules(plan: BlockedPlan, pathOf: BlockPath): PlanIssue[] {
  const { blocks } = plan.recovery;
  const issues: PlanIssue[] = [];
  const indexOf = new Map<string, number>();
  blocks.forEach((block, index) => {
    const first = indexOf.get(block.id);
    if (first === undefined) indexOf.set(block.id, index);
    else {
      issues.push({
        path: pathOf(index, "id"),
        message: `duplicate id "${block.id}" (also at ${pathOf(first, "id")})`,
        hint: "each block's id must be unique",
      });
    }
  });
  blocks.forEach((block, index) => {
    block.after.forEach((dependency, position) => {
      if (dependency === block.id) {
        issues.push({
          path: `${pathOf(index, "after")}[${position}]`,
          message: "a block cannot wait for itself",
        });
      } else if (!indexOf.has(dependency)) {
        issues.push({
          path: `${pathOf(index, "after")}[${position}]`,
          message: `names "${dependency}", which is not a block of this plan`,
          hint: `one of: ${[...indexOf.keys()].join(", ")}`,
        });
      }
    });
  });
  const cycle = findCycle(blocks);
  if (cycle) {
    issues.push({
      path: pathOf(indexOf.get(cycle[0] ?? "") ?? 0, "after"),
      message: `the blocks wait for each other in a circle: ${cycle.join(" -> ")}`,
      hint: "remove one of these dependencies",
    });
  }
  issues.push(...requiredKinds(blocks, pathOf), ...trafficAfterDatabases(blocks, indexOf, pathOf, !!cycle));
  issues.push(...blocks.flatMap((block, index) => regionsNamed(plan.regions, block, index, pathOf)));
  return issues;
}

function requiredKinds(blocks: readonly Block[], pathOf: BlockPath): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const at = pathOf(0, "kind").replace(/\[0\]\.kind$/, "");
  if (blocksOfKind(blocks, "aurora-global").length === 0) {
    issues.push({
      path: at,
      message: "has no aurora-global block: kirikae fails over an application by its writer database",
      hint: 'add a block of kind "aurora-global"',
    });
  }
  if (blocksOfKind(blocks, "route53").length === 0) {
    issues.push({
      path: at,
      message: "has no route53 block: nothing would move users to the recovered region",
      hint: 'add a block of kind "route53" after the database blocks',
    });
  }
  return issues;
}

function trafficAfterDatabases(
  blocks: readonly Block[],
  indexOf: ReadonlyMap<string, number>,
  pathOf: BlockPath,
  cyclic: boolean,
): PlanIssue[] {
  if (cyclic) return [];
  const byId = new Map(blocks.map((block) => [block.id, block]));
  const databases = blocksOfKind(blocks, "aurora-global").map((block) => block.id);
  return blocksOfKind(blocks, "route53").flatMap((traffic) => {
    const before = ancestors(traffic.id, byId);
    const missing = databases.filter((id) => !before.has(id));
    if (missing.length === 0) return [];
    return [
      {
        path: pathOf(indexOf.get(traffic.id) ?? 0, "after"),
        message: `moves traffic without waiting for ${missing.map((id) => `"${id}"`).join(", ")}`,
        hint: "list every aurora-global block in `after` (directly or through blocks that wait for them): users must never reach a region whose database is not the writer",
      },
    ];
  });
}

/** Every block `id` waits for, directly or not. */
export function ancestors(id: string, byId: ReadonlyMap<string, Block>): Set<string> {
  const seen = new Set<string>();
  const stack = [...(byId.get(id)?.after ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(byId.get(next)?.after ?? []));
  }
  return seen;
}

function findCycle(blocks: readonly Block[]): string[] | undefined {
  const byId = new Map(blocks.map((block) => [block.id, block]));
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === "done" || !byId.has(id)) return undefined;
    if (state.get(id) === "visiting") return [...path.slice(path.indexOf(id)), id];
    state.set(id, "visiting");
    path.push(id);
    for (const dependency of byId.get(id)?.after ?? []) {
      const found = visit(dependency);
      if (found) return found;
    }
    path.pop();
    state.set(id, "done");
    return undefined;
  };
  for (const block of blocks) {
    const found = visit(block.id);
    if (found) return found;
  }
  return undefined;
}

function regionsNamed(
  regions: readonly string[],
  block: Block,
  index: number,
  pathOf: BlockPath,
): PlanIssue[] {
  const perRegion =
    block.kind === "auto-scaling-group"
      ? { field: "groups", value: block.groups }
      : block.kind === "ecs-service"
        ? { field: "clusters", value: block.clusters }
        : block.kind === "lambda" && typeof block.functionArn !== "string"
          ? { field: "functionArn", value: block.functionArn }
          : undefined;
  if (!perRegion) return [];
  const missing = regions.filter((region) => perRegion.value[region] === undefined);
  const extra = Object.keys(perRegion.value).filter((region) => !regions.includes(region));
  const issues: PlanIssue[] = [];
  if (missing.length > 0) {
    issues.push({
      path: pathOf(index, perRegion.field),
      message: `names nothing for ${missing.join(", ")}`,
      hint: "name one per region of the plan: a failback runs in the other direction",
    });
  }
  for (const region of extra) {
    issues.push({
      path: `${pathOf(index, perRegion.field)}.${region}`,
      message: `${region} is not one of the plan's regions`,
    });
  }
  return issues;
}
