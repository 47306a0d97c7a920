import { eksKubernetes } from "../adapters/k8s/eks-kubernetes.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { scalingStep } from "./runtime/scaling-step.js";
import { type DepsSource, memoize, type StepDepsWith } from "./runtime/task-deps.js";

/** Failback's last step for an EKS block: the region traffic left goes back to its standby sizes. */
export const createScaleDownNodegroupsHandler = (deps: DepsSource<StepDepsWith<"kubernetes">>) =>
  scalingStep("scale-down-nodegroups", deps);

export const handler = createScaleDownNodegroupsHandler(
  memoize(async () => {
    const base = await productionStepDeps();
    return { ...base, kubernetes: eksKubernetes(base.clients) };
  }),
);
