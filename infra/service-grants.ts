import type { Plan } from "../core/plan/schema.js";
import { allow, type PolicyDocument, type PolicyStatement } from "./grants.js";
import { functionArn, stateMachineArn } from "./names.js";

/**
 * The policies that are not a function's: the state machines' role, the alarm-forwarding role, the audit
 * table's own resource policy, and the on-call engineer's failback policy (documented, not attached).
 */

/** The Step Functions role of one region: invoke that region's task functions, deliver logs and traces. */
export function stateMachinePolicy(taskFunctionArns: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      allow("InvokeTaskFunctions", ["lambda:InvokeFunction"], [...taskFunctionArns]),
      // Step Functions' log delivery is set up through these account-level actions, which AWS documents
      // as supporting no resource-level permissions.
      allow(
        "DeliverExecutionLogs",
        [
          "logs:CreateLogDelivery",
          "logs:GetLogDelivery",
          "logs:UpdateLogDelivery",
          "logs:DeleteLogDelivery",
          "logs:ListLogDeliveries",
          "logs:PutResourcePolicy",
          "logs:DescribeResourcePolicies",
          "logs:DescribeLogGroups",
        ],
        ["*"],
      ),
      // X-Ray's write actions have no resource-level permissions.
      allow(
        "SendTraces",
        [
          "xray:PutTraceSegments",
          "xray:PutTelemetryRecords",
          "xray:GetSamplingRules",
          "xray:GetSamplingTargets",
        ],
        ["*"],
      ),
    ],
  };
}

/** What EventBridge may do when it forwards alarm events: put them on the detectors' default buses. */
export function alarmForwardingPolicy(eventBusArns: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [allow("ForwardAlarmEvents", ["events:PutEvents"], [...new Set(eventBusArns)])],
  };
}

/**
 * The audit table's resource policy: whatever any identity policy grants, nobody may rewrite or remove a
 * record, remove the table, or loosen what protects it.
 *   - records: UpdateItem, DeleteItem, PartiQL update/delete, and BatchWriteItem (whose puts cannot carry
 *     a condition) are denied to everyone. PutItem stays possible, since appends are puts; IAM has no
 *     condition key for a request's ConditionExpression (DynamoDB's keys are LeadingKeys, Attributes,
 *     Select, ReturnValues, ReturnConsumedCapacity, EnclosingOperation: "Using IAM policy conditions for
 *     fine-grained access control", DynamoDB developer guide), so a policy cannot require
 *     attribute_not_exists. The adapter always sends it; an unconditional put that overwrites a record
 *     breaks the hash chain and the signed digests, which `audit verify` reports, and point-in-time
 *     recovery keeps the original for 35 days.
 *   - the table: DeleteTable, UpdateTable (which is how deletion protection is turned off; no condition key
 *     tells that change from others, so every table change goes through the break-glass role),
 *     UpdateContinuousBackups (point-in-time recovery), UpdateTimeToLive (an expiry would delete records),
 *     and the resource policy's own PutResourcePolicy and DeleteResourcePolicy are denied to everyone but
 *     `breakGlassRoleArn`, when the deployment names one.
 * Limits, from DynamoDB's documentation: a table's policy cannot govern backups (DeleteBackup acts on the
 * backup resource, to which no resource policy attaches: "DynamoDB API operations supported by
 * resource-based policies"), and the account's root user can always DeleteResourcePolicy
 * ("DeleteResourcePolicy", DynamoDB API reference). Both are for the account's own SCPs and CloudTrail.
 */
export const AUDIT_RECORD_REWRITES = [
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:PartiQLUpdate",
  "dynamodb:PartiQLDelete",
] as const;

export const AUDIT_TABLE_CHANGES = [
  "dynamodb:DeleteTable",
  "dynamodb:UpdateTable",
  "dynamodb:UpdateContinuousBackups",
  "dynamodb:UpdateTimeToLive",
  "dynamodb:PutResourcePolicy",
  "dynamodb:DeleteResourcePolicy",
] as const;

export function auditTableGuard(
  auditTableArn: string,
  options: { breakGlassRoleArn?: string } = {},
): PolicyDocument {
  const records: PolicyStatement = {
    Sid: "AuditRecordsAreAppendOnly",
    Effect: "Deny",
    Principal: "*",
    Action: [...AUDIT_RECORD_REWRITES],
    Resource: [auditTableArn],
  };
  const table: PolicyStatement = {
    Sid: "AuditTableStaysAndStaysGuarded",
    Effect: "Deny",
    Principal: "*",
    Action: [...AUDIT_TABLE_CHANGES],
    Resource: [auditTableArn],
    // aws:PrincipalArn is the role's ARN for an assumed-role session, so the exception names the role.
    ...(options.breakGlassRoleArn
      ? { Condition: { ArnNotEquals: { "aws:PrincipalArn": options.breakGlassRoleArn } } }
      : {}),
  };
  return { Version: "2012-10-17", Statement: [records, table] };
}

/**
 * The on-call engineer's failback from the console: StartExecution on each plan's own failback state
 * machine in its home region, where failback runs. The workflow itself validates the input, takes the
 * lock and records the initiator (from CloudTrail), so this grant cannot bypass any check. Following and
 * stopping a plan's runs (`kirikae watch`, `kirikae cancel`, docs/cli.md): read and stop the executions of
 * its machines, and invoke its region's escalation function, which undoes only what is safe.
 * DescribeExecution, GetExecutionHistory and StopExecution authorise on the execution (Service
 * Authorization Reference, "Actions, resources, and condition keys for AWS Step Functions"), whose name
 * is the run's, so only the machine part is named.
 */
export function onCallFailbackPolicy(stage: string, account: string, plans: readonly Plan[]): PolicyDocument {
  const runs = plans.flatMap((plan) =>
    plan.regions.flatMap((region) =>
      (["failover", "failback"] as const).map(
        (kind) =>
          `${stateMachineArn(region, account, stage, kind, plan.name).replace(":stateMachine:", ":execution:")}:*`,
      ),
    ),
  );
  const escalations = [...new Set(plans.flatMap((plan) => plan.regions))].map((region) =>
    functionArn(region, account, stage, "abortWorkflow"),
  );
  return {
    Version: "2012-10-17",
    Statement: [
      allow(
        "StartFailback",
        ["states:StartExecution"],
        plans.map((plan) => stateMachineArn(plan.activeRegion, account, stage, "failback", plan.name)),
      ),
      allow(
        "FollowAndCancelRuns",
        ["states:DescribeExecution", "states:GetExecutionHistory", "states:StopExecution"],
        runs,
      ),
      allow("EscalateCancelledRuns", ["lambda:InvokeFunction"], escalations),
    ],
  };
}
