import { AutoScalingGroups } from "../adapters/aws/auto-scaling-groups.js";
import { EcsServices } from "../adapters/aws/ecs-services.js";
import { EksCompute } from "../adapters/aws/eks-compute.js";
import { eksKubernetes } from "../adapters/k8s/eks-kubernetes.js";
import { type UndoProgress, undoPreparation } from "../core/failover/undo-preparation.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { productionNotifier } from "./runtime/production-notifier.js";
import { type DepsSource, memoize, type StepDepsWith } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";

/** "Undo preparation": a flap after the early scale-up puts the standby back, then ends the run. */
export const createUndoPreparationHandler = (deps: DepsSource<StepDepsWith<"notifier" | "kubernetes">>) =>
  taskHandler("undo-preparation", deps, (context, event, resolved) =>
    undoPreparation(
      context,
      {
        compute: new EksCompute(resolved.clients),
        kubernetes: resolved.kubernetes,
        state: resolved.state,
        notifier: resolved.notifier,
        blockCapacity: {
          autoScaling: new AutoScalingGroups(resolved.clients),
          ecs: new EcsServices(resolved.clients),
        },
      },
      {
        reason: event.signal?.reason ?? "the trigger alarms left ALARM within the hold time",
        readings: event.signal?.readings ?? [],
      },
      event.undo as UndoProgress | undefined,
    ),
  );

export const handler = createUndoPreparationHandler(
  memoize(async () => {
    const base = await productionStepDeps();
    return { ...base, notifier: productionNotifier(), kubernetes: eksKubernetes(base.clients) };
  }),
);
