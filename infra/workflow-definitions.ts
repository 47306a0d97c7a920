import type { AslDefinition } from "../stepfunctions/asl.js";
import { failbackDefinition } from "../stepfunctions/failback-definition.js";
import { failoverDefinition } from "../stepfunctions/failover-definition.js";
import type { TaskFunctionArns } from "../stepfunctions/task-functions.js";
import type { WorkflowKind } from "./names.js";

/** The definitions infra deploys: the very functions the local runner executes, given the deployed ARNs. */
export const workflowDefinitions: Record<WorkflowKind, (functions: TaskFunctionArns) => AslDefinition> = {
  failover: failoverDefinition,
  failback: failbackDefinition,
};

/** The definition string a state machine is deployed with. */
export function deployedDefinition(kind: WorkflowKind, functions: TaskFunctionArns): string {
  return JSON.stringify(workflowDefinitions[kind](functions));
}
