import { AutoScalingGroups } from "../adapters/aws/auto-scaling-groups.js";
import { EcsServices } from "../adapters/aws/ecs-services.js";
import { EksCompute } from "../adapters/aws/eks-compute.js";
import { RdsGlobalDatabase } from "../adapters/aws/rds-global-database.js";
import { eksKubernetes } from "../adapters/k8s/eks-kubernetes.js";
import { abortWorkflow } from "../core/failover/finish-workflow.js";
import { preparedAnything } from "../core/failover/prepare-capacity.js";
import { productionDigests } from "./runtime/digest-deps.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { productionNotifier } from "./runtime/production-notifier.js";
import { type DepsSource, memoize, type StepDepsWith } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";

/**
 * Both ends of a run that cannot finish: a pre-check that failed (nothing changed, `failure` absent or
 * raised by the pre-check itself) and a failure or stuck step later on (escalation, with compensation).
 */
type AbortDeps = StepDepsWith<"notifier" | "kubernetes" | "writeDigest" | "writeReport">;

export const createAbortWorkflowHandler = (deps: DepsSource<AbortDeps>) =>
  taskHandler("abort-workflow", deps, (context, event, resolved) => {
    // A failover that was not approved stopped before anything changed, just like a failed pre-check.
    const beforeRecovery = event.approvalFailure !== undefined || event.precheck?.ok !== true;
    const caught = event.approvalFailure ?? event.failure;
    const unanswered = event.approvalFailure?.Error === "States.Timeout";
    const failure = caught
      ? {
          error: caught.Error,
          cause: unanswered
            ? `no one answered the approval request within ${Math.round((event.request.approval?.timeoutSeconds ?? 0) / 60)} min`
            : (caught.Cause ?? ""),
        }
      : { error: "PrecheckFailed", cause: event.precheck?.reason ?? "the standby region is not ready" };
    return abortWorkflow(
      context,
      {
        ...resolved,
        database: new RdsGlobalDatabase(resolved.clients),
        compute: new EksCompute(resolved.clients),
        blockCapacity: {
          autoScaling: new AutoScalingGroups(resolved.clients),
          ecs: new EcsServices(resolved.clients),
        },
      },
      failure,
      beforeRecovery ? "precheck" : "recovery",
      preparedAnything(event.preparation) || event.preparationFailure !== undefined,
    );
  });

async function productionAbortDeps(): Promise<AbortDeps> {
  const base = await productionStepDeps();
  return {
    ...base,
    notifier: productionNotifier(),
    kubernetes: eksKubernetes(base.clients),
    ...productionDigests(base),
  };
}

export const handler = createAbortWorkflowHandler(memoize(productionAbortDeps));
