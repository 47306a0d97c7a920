import type { Plan } from "../core/plan/schema.js";
import { allow, type PolicyDocument, type PolicyStatement } from "./grants.js";
import { stateMachineArn } from "./names.js";

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
 * record. PutItem stays possible (appends are conditional puts); an overwrite by an unconditional put
 * would break the hash chain, which `audit verify` reports, and point-in-time recovery keeps the original.
 */
export function auditTableGuard(auditTableArn: string): PolicyDocument {
  const guard: PolicyStatement = {
    Sid: "AuditRecordsAreAppendOnly",
    Effect: "Deny",
    Principal: "*",
    Action: [
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
      "dynamodb:BatchWriteItem",
      "dynamodb:PartiQLUpdate",
      "dynamodb:PartiQLDelete",
    ],
    Resource: [auditTableArn],
  };
  return { Version: "2012-10-17", Statement: [guard] };
}

/**
 * The on-call engineer's failback from the console: StartExecution on the failback state machine of each
 * plan's home region, where failback runs, and nothing else. The workflow itself validates the input,
 * takes the lock and records the initiator (from CloudTrail), so this grant cannot bypass any check.
 */
export function onCallFailbackPolicy(stage: string, account: string, plans: readonly Plan[]): PolicyDocument {
  const homes = [...new Set(plans.map((plan) => plan.activeRegion))];
  return {
    Version: "2012-10-17",
    Statement: [
      allow(
        "StartFailback",
        ["states:StartExecution"],
        homes.map((region) => stateMachineArn(region, account, stage, "failback")),
      ),
    ],
  };
}
