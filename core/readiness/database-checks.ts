import type { Plan } from "../plan/schema.js";
import type { GlobalClusterState, GlobalDatabasePort } from "../ports/global-database.js";
import { type CheckSpec, gap, isNotFound, once, pass } from "./check-spec.js";

/**
 * Two members claim the writer role: after a data-loss failover Aurora fences the old primary only on a
 * best-effort basis, and until it rebuilds it as a secondary writes may land there.
 */
function twoWriters(arns: string[]) {
  const names = arns.map((arn) => arn.split(":").pop() ?? arn);
  return gap(
    `${names.join(" and ")} both claim the writer role`,
    `keep traffic away from every region but the promoted writer's (the others' gates closed), wait for Aurora to rebuild the old primary as a secondary (SynchronizationStatus connected), and reconcile the writes it accepted`,
  );
}

/**
 * The Aurora global database, from the region's own RDS endpoint: the region's cluster is a member in the
 * role the plan gives it (writer in the active region, secondary in the standby) and available, and the
 * standby's replication lag is within the RPO, and no second member claims the writer role (invariant 7).
 * The same reads the failover's pre-checks make.
 */
export function databaseChecks(plan: Plan, database: GlobalDatabasePort) {
  const globalId = plan.database.globalClusterIdentifier;
  const rpoMs = plan.objectives.rpoMinutes * 60_000;
  return (region: string): CheckSpec[] => {
    const arn = plan.database.members[region];
    if (arn === undefined) return [];
    const clusterName = arn.split(":").pop() ?? arn;
    const membership = once(async () => {
      let global: GlobalClusterState;
      try {
        global = await database.describe(globalId, region);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
      return { global, member: global.members.find((candidate) => candidate.clusterArn === arn) };
    });
    const role = region === plan.activeRegion ? "writer" : "secondary";
    const specs: CheckSpec[] = [
      {
        check: "database.member",
        resource: arn,
        region,
        expected: `${role} of ${globalId}`,
        run: async () => {
          const found = await membership();
          if (!found) {
            return gap(
              `${globalId} not found from ${region}`,
              `create the global database ${globalId} with ${clusterName} as a member, or correct database.globalClusterIdentifier in the plan`,
            );
          }
          const { global, member } = found;
          if (!member) {
            const members = global.members.map((other) => other.clusterArn.split(":").pop()).join(", ");
            return gap(
              `not a member (members: ${members || "none"})`,
              `add ${clusterName} to ${globalId} as a secondary, or correct database.members.${region} in the plan`,
            );
          }
          const actualRole = member.isWriter ? "writer" : "secondary";
          const actual = `${actualRole} of ${globalId}${global.status === "available" ? "" : `, global cluster ${global.status}`}`;
          if (global.status !== "available") {
            return gap(actual, "a switchover or failover is in progress: check again once it ends");
          }
          const claimants = global.members.filter((other) => other.isWriter);
          if (claimants.length > 1) {
            return twoWriters(claimants.map((other) => other.clusterArn));
          }
          if (actualRole !== role) {
            const writer = global.members.find((other) => other.isWriter)?.region ?? "another region";
            return gap(
              actual,
              `the writer is in ${writer}: the plan runs failed over; fail back, or make ${writer} the plan's activeRegion`,
            );
          }
          return pass(actual);
        },
      },
      {
        check: "database.available",
        resource: arn,
        region,
        expected: "available",
        run: async () => {
          // Read through the regional endpoint first, so a region that does not answer shows as such.
          await membership();
          return (await database.clusterAvailable(arn))
            ? pass("available")
            : gap(
                "not available, or not answering",
                `check ${clusterName} in the RDS console (${region}); a cluster that is not available cannot be promoted`,
              );
        },
      },
    ];
    if (role === "secondary") {
      specs.push({
        check: "database.lag",
        resource: arn,
        region,
        expected: `≤ ${plan.objectives.rpoMinutes} min (the RPO)`,
        run: async () => {
          if ((await membership())?.member?.isWriter)
            return pass("writer now: it replicates to the other region");
          const lagMs = await database.replicationLagMs(arn);
          if (lagMs === undefined) {
            return gap(
              "no AuroraGlobalDBRPOLag datapoint in the last 5 minutes",
              `check that ${clusterName} replicates from the writer (RDS console, global database) and publishes its metrics`,
            );
          }
          const actual =
            lagMs < 60_000 ? `${(lagMs / 1000).toFixed(1)} s` : `${(lagMs / 60_000).toFixed(1)} min`;
          return lagMs <= rpoMs
            ? pass(actual)
            : gap(
                actual,
                `a failover now would lose about ${actual} of writes, more than the RPO allows: find why ${clusterName} falls behind (write load, AuroraGlobalDBReplicationLag) before relying on it`,
              );
        },
      });
    }
    return specs;
  };
}
