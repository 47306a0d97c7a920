import { EksCompute } from "../../adapters/aws/eks-compute.js";
import { type ScalingProgress, scaleNodegroups } from "../../core/failover/scale-nodegroups.js";
import { blockTaskHandler } from "./block-task.js";
import type { DepsSource, StepDepsWith } from "./task-deps.js";

/**
 * Both nodegroup steps of an EKS block in one shape: "activate" scales the region being activated up
 * to its active sizes, "release" (a failback's last step) the region being left down to standby.
 */
export function scalingStep(name: string, deps: DepsSource<StepDepsWith<"kubernetes">>) {
  return blockTaskHandler(name, "eks", deps, (context, previous, resolved) => {
    const activating = context.phase === "activate";
    return scaleNodegroups(
      { ...context, plan: { ...context.plan, compute: context.block.compute } },
      { compute: new EksCompute(resolved.clients), kubernetes: resolved.kubernetes },
      {
        region: activating ? context.request.targetRegion : context.request.sourceRegion,
        size: activating ? "active" : "standby",
      },
      previous as ScalingProgress | undefined,
    );
  });
}
