import type { Plan } from "../plan/schema.js";
import type { ComputePort } from "../ports/compute.js";
import { type CheckSpec, gap, isNotFound, once, pass } from "./check-spec.js";

/** Nodegroup states from which EKS can scale; others (DEGRADED, CREATE_FAILED, …) need a person first. */
const SCALABLE = new Set(["ACTIVE", "UPDATING"]);

/**
 * EKS: each of the region's clusters is ACTIVE and each nodegroup the plan names exists, is in a state
 * EKS can scale, and has a max size that lets it reach its active size, whichever region it is in (the
 * pre-checks' rule, checked before an incident rather than during one).
 */
export function computeChecks(plan: Plan, compute: ComputePort) {
  return (region: string): CheckSpec[] =>
    plan.compute.clusters
      .filter((cluster) => cluster.region === region)
      .flatMap((cluster) => {
        const status = once(async () => {
          try {
            return await compute.clusterStatus(region, cluster.name);
          } catch (error) {
            if (isNotFound(error)) return undefined;
            throw error;
          }
        });
        const nodegroups = once(async () =>
          (await status()) === undefined
            ? undefined
            : new Set(await compute.nodegroups(region, cluster.name)),
        );
        const clusterSpec: CheckSpec = {
          check: "compute.cluster",
          resource: cluster.name,
          region,
          expected: "ACTIVE",
          run: async () => {
            const current = await status();
            if (current === undefined) {
              return gap(
                "missing",
                `create the EKS cluster ${cluster.name} in ${region}, or correct compute.clusters in the plan`,
              );
            }
            return current === "ACTIVE"
              ? pass(current)
              : gap(
                  current,
                  `EKS reports ${cluster.name} ${current}: a cluster that is not ACTIVE cannot scale`,
                );
          },
        };
        const nodegroupSpecs = cluster.nodegroups.map(
          (nodegroup): CheckSpec => ({
            check: "compute.nodegroup",
            resource: `${cluster.name}/${nodegroup.name}`,
            region,
            expected: `max ≥ ${nodegroup.activeSize} (its active size)`,
            run: async () => {
              const existing = await nodegroups();
              if (existing === undefined)
                return gap("its cluster is missing", `create ${cluster.name} first`);
              if (!existing.has(nodegroup.name)) {
                return gap(
                  "missing",
                  `create the nodegroup ${nodegroup.name} in ${cluster.name} (${region}), or correct the plan`,
                );
              }
              const state = await compute.nodegroup(region, cluster.name, nodegroup.name);
              const actual = `max ${state.maxSize}, desired ${state.desiredSize}, ${state.status}`;
              if (state.maxSize < nodegroup.activeSize) {
                return gap(
                  actual,
                  `raise its max size: aws eks update-nodegroup-config --region ${region} --cluster-name ${cluster.name} --nodegroup-name ${nodegroup.name} --scaling-config maxSize=${Math.max(nodegroup.maxSize, nodegroup.activeSize)}`,
                );
              }
              if (!SCALABLE.has(state.status)) {
                return gap(
                  actual,
                  `EKS reports the nodegroup ${state.status}: repair it (EKS console, health issues) before relying on it`,
                );
              }
              return pass(actual);
            },
          }),
        );
        return [clusterSpec, ...nodegroupSpecs];
      });
}
