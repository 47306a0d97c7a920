import * as aws from "@pulumi/aws";
import { tableName } from "./names.js";
import type { RegionProviders } from "./providers.js";
import { auditTableGuard } from "./service-grants.js";
import { auditTable, stateTable, type TableDefinition } from "./table-definitions.js";

/**
 * The two tables, and why they are shaped differently across regions:
 *
 * State (where each plan is active, its workflow lock, held alarm signals): ONE global table with a replica
 * in every control-plane region. It must be shared: a failback runs in the home region and must see the
 * `activeRegion` the failover wrote in the recovery region. By default it is an eventually consistent
 * (MREC) global table: a conditional write is atomic against the replica of the region that makes it, and
 * replicas converge by last writer wins, usually within a second. kirikae relies on that locality: every
 * automatic failover of a plan is decided in its one recovery region and every failback is started in its
 * home region, and the two are exclusive through `activeRegion`, so two regions only contend for one
 * plan's lock when people start workflows in both within the replication lag. Where the regions allow it,
 * `strong` makes it a multi-Region strongly consistent (MRSC) table, whose conditional writes hold across
 * regions.
 *
 * Audit: one REGIONAL table per control-plane region, not replicated. Each record's key is (plan, sequence)
 * and appends are conditional puts on the next sequence number: under MREC replication two regions
 * appending to one plan's chain at once would both succeed locally and one record would silently replace
 * the other. So each region keeps its own chain of what its control plane did (an execution's records all
 * live in the region that ran it), and audit questions ask each region.
 */
export type StateConsistency = { mode: "eventual" } | { mode: "strong"; witnessRegion: string };

/** AWS's region sets for MRSC; all replicas and the witness must be in one of them. */
export const STRONG_CONSISTENCY_REGION_SETS = [
  ["us-east-1", "us-east-2", "us-west-2"],
  ["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1"],
  ["ap-northeast-1", "ap-northeast-2", "ap-northeast-3"],
] as const;

/** Why the regions cannot hold an MRSC table, or undefined when they can. */
export function strongConsistencyProblem(
  regions: readonly string[],
  witnessRegion: string,
): string | undefined {
  if (regions.length !== 2) {
    return `a strongly consistent state table needs exactly two control-plane regions and a witness; this stage has ${regions.length} (${regions.join(", ")})`;
  }
  if (regions.includes(witnessRegion)) return `the witness region ${witnessRegion} must not host a replica`;
  const all = [...regions, witnessRegion];
  const set = STRONG_CONSISTENCY_REGION_SETS.find((candidate) =>
    all.every((region) => (candidate as readonly string[]).includes(region)),
  );
  return set
    ? undefined
    : `${all.join(", ")} are not all in one of AWS's multi-Region strong consistency region sets (${STRONG_CONSISTENCY_REGION_SETS.map((candidate) => candidate.join("/")).join("; ")})`;
}

export function stateTableResource(options: {
  stage: string;
  homeRegion: string;
  regions: readonly string[];
  consistency: StateConsistency;
  providers: RegionProviders;
}): aws.dynamodb.Table {
  const { stage, homeRegion, regions, consistency, providers } = options;
  if (!regions.includes(homeRegion)) {
    throw new Error(
      `the state table's home region ${homeRegion} hosts no control plane (regions: ${regions.join(", ")}); deploy with AWS_REGION set to one of them`,
    );
  }
  if (consistency.mode === "strong") {
    const problem = strongConsistencyProblem(regions, consistency.witnessRegion);
    if (problem) throw new Error(problem);
  }
  const strong = consistency.mode === "strong";
  return new aws.dynamodb.Table(
    "StateTable",
    {
      ...tableArgs(stateTable, tableName(stage, stateTable.logicalName)),
      // Global tables replicate through the table's stream.
      streamEnabled: true,
      streamViewType: "NEW_AND_OLD_IMAGES",
      replicas: regions
        .filter((region) => region !== homeRegion)
        .map((region) => ({
          regionName: region,
          pointInTimeRecovery: true,
          // Each replica is a table of its own that DeleteTable could remove; protect them all.
          deletionProtectionEnabled: true,
          propagateTags: true,
          ...(strong ? { consistencyMode: "STRONG" } : {}),
        })),
      ...(consistency.mode === "strong"
        ? { globalTableWitness: { regionName: consistency.witnessRegion } }
        : {}),
    },
    { provider: providers(homeRegion) },
  );
}

export function auditTableResource(options: {
  stage: string;
  region: string;
  logicalPrefix: string;
  providers: RegionProviders;
  /** The one role the guard lets change or remove the table and its policy (deploy config). */
  breakGlassRoleArn?: string;
}): aws.dynamodb.Table {
  const { stage, region, logicalPrefix, providers, breakGlassRoleArn } = options;
  const provider = providers(region);
  const table = new aws.dynamodb.Table(
    `${logicalPrefix}AuditTable`,
    tableArgs(auditTable, tableName(stage, auditTable.logicalName)),
    { provider },
  );
  new aws.dynamodb.ResourcePolicy(
    `${logicalPrefix}AuditTableGuard`,
    {
      resourceArn: table.arn,
      policy: table.arn.apply((arn) =>
        JSON.stringify(auditTableGuard(arn, breakGlassRoleArn ? { breakGlassRoleArn } : {})),
      ),
    },
    { provider },
  );
  return table;
}

/** The table as its definition says (the same definition the local DynamoDB tables are created from). */
export function tableArgs(definition: TableDefinition, name: string): aws.dynamodb.TableArgs {
  return {
    name,
    billingMode: "PAY_PER_REQUEST",
    hashKey: definition.hashKey,
    ...(definition.rangeKey ? { rangeKey: definition.rangeKey } : {}),
    attributes: definition.attributes,
    globalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
      name: index.name,
      hashKey: index.hashKey,
      rangeKey: index.rangeKey,
      projectionType: "ALL",
    })),
    pointInTimeRecovery: { enabled: true },
    // A teardown or a stray DeleteTable must not take the trail or the plans' state with it, in any
    // stage: removing a table is a deliberate two-step (turn protection off, then delete).
    deletionProtectionEnabled: true,
  };
}
