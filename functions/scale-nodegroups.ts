import { eksKubernetes } from "../adapters/k8s/eks-kubernetes.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { scalingStep } from "./runtime/scaling-step.js";
import { type DepsSource, memoize, type StepDepsWith } from "./runtime/task-deps.js";

/** Scales an EKS block's nodegroups (and Deployments) in the region being activated up to active sizes. */
export const createScaleNodegroupsHandler = (deps: DepsSource<StepDepsWith<"kubernetes">>) =>
  scalingStep("scale-nodegroups", deps);

export const handler = createScaleNodegroupsHandler(
  memoize(async () => {
    const base = await productionStepDeps();
    return { ...base, kubernetes: eksKubernetes(base.clients) };
  }),
);
