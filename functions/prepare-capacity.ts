import { AutoScalingGroups } from "../adapters/aws/auto-scaling-groups.js";
import { EcsServices } from "../adapters/aws/ecs-services.js";
import { EksCompute } from "../adapters/aws/eks-compute.js";
import { eksKubernetes } from "../adapters/k8s/eks-kubernetes.js";
import { prepareCapacity } from "../core/failover/prepare-capacity.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type StepDepsWith } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";

/** "Prepare capacity": the standby's early scale-up at the first alarm, for plans with prepareDuringHold. */
export const createPrepareCapacityHandler = (deps: DepsSource<StepDepsWith<"kubernetes">>) =>
  taskHandler("prepare-capacity", deps, (context, _event, resolved) =>
    prepareCapacity(context, {
      compute: new EksCompute(resolved.clients),
      kubernetes: resolved.kubernetes,
      state: resolved.state,
      blockCapacity: {
        autoScaling: new AutoScalingGroups(resolved.clients),
        ecs: new EcsServices(resolved.clients),
      },
    }),
  );

export const handler = createPrepareCapacityHandler(
  memoize(async () => {
    const base = await productionStepDeps();
    return { ...base, kubernetes: eksKubernetes(base.clients) };
  }),
);
