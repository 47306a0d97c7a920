import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Plan } from "../core/plan/schema.js";
import type { TaskFunctionArns } from "../stepfunctions/task-functions.js";
import { LOG_RETENTION_DAYS } from "./functions.js";
import {
  pascalCase,
  stateMachineLogGroupName,
  stateMachineName,
  stateMachineRoleName,
  WORKFLOW_KINDS,
  type WorkflowKind,
} from "./names.js";
import { stateMachinePolicy } from "./service-grants.js";
import { serviceTrustPolicy } from "./trust-policy.js";
import { deployedDefinition } from "./workflow-definitions.js";

/** A region's state machines, by plan name, then by kind. */
export type RegionMachines = Map<string, Record<WorkflowKind, aws.sfn.StateMachine>>;

/**
 * One region's state machines: a failover and a failback machine for each plan the region serves, each
 * generated from its plan's recovery blocks. Standard workflows (exactly-once steps, a year of history,
 * executions that outlive any Lambda), every event logged with its data, traced with X-Ray. They share
 * one role per region: every machine runs Tasks on the same task functions of its region, so a role per
 * plan would grant nothing less.
 */
export function regionWorkflows(args: {
  stage: string;
  region: string;
  account: pulumi.Input<string>;
  plans: readonly Plan[];
  taskFunctions: ReadonlyMap<string, aws.lambda.Function>;
  provider: aws.Provider;
}): RegionMachines {
  const { stage, region, account, plans, taskFunctions, provider } = args;
  const prefix = pascalCase(region);
  const arns = pulumi.all(
    Object.fromEntries([...taskFunctions].map(([key, fn]) => [key, fn.arn])) as Record<
      string,
      pulumi.Output<string>
    >,
  );
  const role = new aws.iam.Role(
    `${prefix}WorkflowsRole`,
    {
      name: stateMachineRoleName(stage, region),
      assumeRolePolicy: pulumi
        .output(account)
        .apply((resolved) => serviceTrustPolicy("states.amazonaws.com", resolved)),
    },
    { provider },
  );
  const policy = new aws.iam.RolePolicy(
    `${prefix}WorkflowsPolicy`,
    {
      role: role.id,
      policy: arns.apply((resolved) => JSON.stringify(stateMachinePolicy(Object.values(resolved)))),
    },
    { provider },
  );
  const machines: RegionMachines = new Map();
  for (const plan of plans) {
    const byKind = {} as Record<WorkflowKind, aws.sfn.StateMachine>;
    for (const kind of WORKFLOW_KINDS) {
      const logical = `${prefix}${pascalCase(plan.name)}${pascalCase(kind)}`;
      const logGroup = new aws.cloudwatch.LogGroup(
        `${logical}Logs`,
        { name: stateMachineLogGroupName(stage, kind, plan.name), retentionInDays: LOG_RETENTION_DAYS },
        { provider },
      );
      byKind[kind] = new aws.sfn.StateMachine(
        `${logical}StateMachine`,
        {
          name: stateMachineName(stage, kind, plan.name),
          type: "STANDARD",
          roleArn: role.arn,
          definition: arns.apply((resolved) => deployedDefinition(kind, resolved as TaskFunctionArns, plan)),
          loggingConfiguration: {
            level: "ALL",
            includeExecutionData: true,
            logDestination: pulumi.interpolate`${logGroup.arn}:*`,
          },
          tracingConfiguration: { enabled: true },
        },
        { provider, dependsOn: [policy] },
      );
    }
    machines.set(plan.name, byKind);
  }
  return machines;
}
