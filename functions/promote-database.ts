import { CloudWatchReplicationLag } from "../adapters/aws/cloudwatch-replication-lag.js";
import { RdsGlobalDatabase } from "../adapters/aws/rds-global-database.js";
import { TrafficGates } from "../adapters/aws/traffic-gates.js";
import type { DnsPlan } from "../core/blocks/plan-blocks.js";
import { blocksOfKind } from "../core/blocks/plan-blocks.js";
import { type PromotionProgress, promoteDatabase } from "../core/failover/promote-database.js";
import type { GlobalDatabasePort } from "../core/ports/global-database.js";
import { blockTaskHandler } from "./runtime/block-task.js";
import { healthCheckReader } from "./runtime/health-checks.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type StepDeps } from "./runtime/task-deps.js";

/**
 * One Aurora block's promotion. With one database, a switchover moves the gates inside its own window
 * with no writer. With several, only the first database's step may move them, and only once every other
 * database's switchover has begun or is done: users must never reach a region where one of their
 * databases still writes elsewhere. The other databases' steps never touch the gates.
 */
export const createPromoteDatabaseHandler = (deps: DepsSource<StepDeps>) =>
  blockTaskHandler("promote-database", "aurora-global", deps, (context, previous, resolved) => {
    const { plan, block, request } = context;
    const databases = blocksOfKind(plan.recovery.blocks, "aurora-global");
    const [first] = databases;
    const ports = {
      database: new RdsGlobalDatabase(
        resolved.clients,
        new CloudWatchReplicationLag(resolved.clients, resolved.clock),
      ),
      gates: new TrafficGates(resolved.clients),
      healthChecks: healthCheckReader(resolved.clients),
    };
    const movesGates = first?.id === block.id;
    const others = databases.filter((other) => other.id !== block.id);
    const narrowed = {
      ...plan,
      database: block.database,
      dns: movesGates ? plan.dns : withoutGateMoves(plan.dns),
    };
    return promoteDatabase(
      { ...context, plan: narrowed },
      {
        ...ports,
        ...(movesGates && others.length > 0
          ? {
              othersInWindow: () =>
                allInWindow(
                  ports.database,
                  others.map((other) => other.database),
                  request.targetRegion,
                ),
            }
          : {}),
      },
      previous as PromotionProgress | undefined,
    );
  });

export const handler = createPromoteDatabaseHandler(memoize(productionStepDeps));

function withoutGateMoves(dns: DnsPlan): DnsPlan {
  const { gates: _movedByTheFirstDatabase, ...rest } = dns;
  return rest;
}

/** Every database is switching over to `region`, or already writes there (read through that region). */
async function allInWindow(
  database: GlobalDatabasePort,
  others: ReadonlyArray<{ globalClusterIdentifier: string; members: Record<string, string> }>,
  region: string,
): Promise<boolean> {
  for (const other of others) {
    const target = other.members[region];
    const global = await database.describe(other.globalClusterIdentifier, region);
    const switching = global.failover?.toClusterArn === target;
    const writes = global.members.some((member) => member.clusterArn === target && member.isWriter);
    if (!switching && !(writes && global.failover === undefined)) return false;
  }
  return true;
}
