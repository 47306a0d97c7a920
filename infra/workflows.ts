import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { TaskFunctionArns } from "../stepfunctions/task-functions.js";
import { LOG_RETENTION_DAYS } from "./functions.js";
import {
  pascalCase,
  stateMachineLogGroupName,
  stateMachineName,
  stateMachineRoleName,
  type WorkflowKind,
} from "./names.js";
import { stateMachinePolicy } from "./service-grants.js";
import { serviceTrustPolicy } from "./trust-policy.js";
import { deployedDefinition } from "./workflow-definitions.js";

const KINDS: readonly WorkflowKind[] = ["failover", "failback"];

/**
 * One region's failover and failback state machines: Standard workflows (exactly-once steps, a year of
 * history, executions that outlive any Lambda), every event logged with its data, traced with X-Ray.
 */
export function regionWorkflows(args: {
  stage: string;
  region: string;
  account: pulumi.Input<string>;
  taskFunctions: ReadonlyMap<string, aws.lambda.Function>;
  provider: aws.Provider;
}): Record<WorkflowKind, aws.sfn.StateMachine> {
  const { stage, region, account, taskFunctions, provider } = args;
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
  const machines = {} as Record<WorkflowKind, aws.sfn.StateMachine>;
  for (const kind of KINDS) {
    const logical = `${prefix}${pascalCase(kind)}`;
    const logGroup = new aws.cloudwatch.LogGroup(
      `${logical}Logs`,
      { name: stateMachineLogGroupName(stage, kind), retentionInDays: LOG_RETENTION_DAYS },
      { provider },
    );
    machines[kind] = new aws.sfn.StateMachine(
      `${logical}StateMachine`,
      {
        name: stateMachineName(stage, kind),
        type: "STANDARD",
        roleArn: role.arn,
        definition: arns.apply((resolved) => deployedDefinition(kind, resolved as TaskFunctionArns)),
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
  return machines;
}
