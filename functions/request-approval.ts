import { requestApproval } from "../core/approval/request-approval.js";
import { InvalidWorkflowInput } from "../core/workflow/workflow-errors.js";
import { productionTaskDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";

/**
 * The step a failover pauses on until a person answers (`lambda:invoke.waitForTaskToken`): it keeps the
 * token and asks; the workflow resumes when `kirikae approve` sends the token back.
 */
export const createRequestApprovalHandler = (deps: DepsSource<TaskDeps>) =>
  taskHandler("request-approval", deps, async (context, event, resolved) => {
    if (!event.taskToken) {
      throw new InvalidWorkflowInput("the approval step was invoked without a task token", {
        action: "invoke it only through the state machine's waitForTaskToken integration",
      });
    }
    await requestApproval(context, resolved, event.taskToken, event.precheck);
    return { requested: true };
  });

export const handler = createRequestApprovalHandler(memoize(productionTaskDeps));
