import { auditTrail, kubernetesApi, scalingCalls } from "../core/workflow/step-calls.js";
import { createScaleDownNodegroupsHandler } from "../functions/scale-down-nodegroups.js";
import { createScaleNodegroupsHandler } from "../functions/scale-nodegroups.js";
import { pollingStates } from "./polling-states.js";
import type { StepKind } from "./step-kind.js";

const NODEGROUP_ACCESS = ["compute.clusters", "compute.nodegroups", "compute.scale", "audit.append"] as const;

/**
 * EKS managed nodegroups and the Deployments on them: scaled up in the region being activated until
 * Ready nodes and Ready pods are there; on failback, the region left goes back to standby sizes last.
 * An escalation puts capacity back to standby where the scale-up's sizes still hold (restoreStandby).
 */
export const eksStep: StepKind<"eks"> = {
  kind: "eks",
  role: "capacity",
  releasesOnFailback: true,
  functions: [
    {
      key: "scaleNodegroups",
      handler: "functions/scale-nodegroups.handler",
      create: createScaleNodegroupsHandler,
      access: NODEGROUP_ACCESS,
      description: "Scales an EKS block's nodegroups and Deployments up in the region being activated",
    },
    {
      key: "scaleDownNodegroups",
      handler: "functions/scale-down-nodegroups.handler",
      create: createScaleDownNodegroupsHandler,
      access: NODEGROUP_ACCESS,
      description: "Scales an EKS block's nodegroups down to standby in the region a failback leaves",
    },
  ],
  states: (context) =>
    context.phase === "activate"
      ? pollingStates(context, "Scale up", "scaleNodegroups")
      : pollingStates(context, "Scale down", "scaleDownNodegroups"),
  calls: ({ phase, source, target }) => {
    const region = phase === "activate" ? target : source;
    return { calls: [...scalingCalls(region), ...auditTrail(target)], dataPlane: [kubernetesApi(region)] };
  },
  describe: (block) =>
    `scale EKS ${block.compute.clusters.map((cluster) => `${cluster.name} (${cluster.nodegroups.length} nodegroups, ${cluster.workloads.length} Deployments)`).join(", ")}`,
  modelledSeconds: (_block, latencies) =>
    (latencies.eksNodegroupUpdate + latencies.nodeReady + latencies.podReady) / 1000,
};
