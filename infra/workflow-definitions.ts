import type { Plan } from "../core/plan/schema.js";
import type { AslDefinition } from "../stepfunctions/asl.js";
import { failbackDefinition } from "../stepfunctions/failback-definition.js";
import { failoverDefinition } from "../stepfunctions/failover-definition.js";
import type { TaskFunctionArns } from "../stepfunctions/task-functions.js";
import type { WorkflowKind } from "./names.js";

/**
 * The definitions infra deploys: the very functions the local runner executes, given the deployed ARNs
 * and the plan whose recovery blocks they are generated from.
 */
export const workflowDefinitions: Record<
  WorkflowKind,
  (functions: TaskFunctionArns, plan: Plan) => AslDefinition
> = {
  failover: failoverDefinition,
  failback: failbackDefinition,
};

/** The definition string a plan's state machine of `kind` is deployed with. */
export function deployedDefinition(kind: WorkflowKind, functions: TaskFunctionArns, plan: Plan): string {
  return JSON.stringify(workflowDefinitions[kind](functions, plan));
}
