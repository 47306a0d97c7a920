import type { WorkflowKind } from "../core/ports/plan-state.js";
import { APP_NAME } from "../infra/names.js";
import { CliUsageError } from "./usage-error.js";

/** What an execution's ARN says: arn:aws:states:REGION:ACCOUNT:execution:STATE_MACHINE:NAME. */
export interface ExecutionArn {
  arn: string;
  region: string;
  account: string;
  stateMachineName: string;
  name: string;
  /** The state machine's name ends with the kind (infra/names.ts, stateMachineName). */
  kind: WorkflowKind;
}

export function parseExecutionArn(arn: string): ExecutionArn {
  const parts = arn.split(":");
  const [prefix, , service, region, account, resource, stateMachineName, name] = parts;
  if (
    prefix !== "arn" ||
    service !== "states" ||
    resource !== "execution" ||
    !region ||
    !account ||
    !stateMachineName ||
    !name ||
    parts.length !== 8
  ) {
    throw new CliUsageError(
      `${arn} is not a Step Functions execution ARN`,
      "give the execution's ARN, arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME, as `kirikae failover`, `kirikae status` or the console show it",
    );
  }
  return {
    arn,
    region,
    account,
    stateMachineName,
    name,
    kind: stateMachineName.endsWith("-failback") ? "failback" : "failover",
  };
}

/**
 * The stage a plan's state machine belongs to: its name is `kirikae-<stage>-<plan>-<kind>`, and the plan
 * is in the execution's input. Undefined for a machine kirikae did not name.
 */
export function stageOfExecution(execution: ExecutionArn, plan: string): string | undefined {
  const prefix = `${APP_NAME}-`;
  const suffix = `-${plan}-${execution.kind}`;
  const name = execution.stateMachineName;
  if (!name.startsWith(prefix) || !name.endsWith(suffix)) return undefined;
  const stage = name.slice(prefix.length, name.length - suffix.length);
  return stage === "" ? undefined : stage;
}
