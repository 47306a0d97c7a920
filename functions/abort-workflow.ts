import { AutoScalingGroups } from "../adapters/aws/auto-scaling-groups.js";
import { EcsServices } from "../adapters/aws/ecs-services.js";
import { abortWorkflow } from "../core/failover/finish-workflow.js";
import { productionTaskDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";
import { awsPorts } from "./runtime/task-ports.js";

/**
 * Both ends of a run that cannot finish: a pre-check that failed (nothing changed, `failure` absent or
 * raised by the pre-check itself) and a failure or stuck step later on (escalation, with compensation).
 */
export const createAbortWorkflowHandler = (deps: DepsSource<TaskDeps>) =>
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
    const ports = awsPorts(resolved);
    return abortWorkflow(
      context,
      {
        ...resolved,
        database: ports.database,
        compute: ports.compute,
        blockCapacity: {
          autoScaling: new AutoScalingGroups(resolved.clients),
          ecs: new EcsServices(resolved.clients),
        },
      },
      failure,
      beforeRecovery ? "precheck" : "recovery",
    );
  });

export const handler = createAbortWorkflowHandler(memoize(productionTaskDeps));
