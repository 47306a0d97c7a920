import { createHash } from "node:crypto";

/**
 * Every name kirikae gives a deployed resource, in one place: infra creates them, and the CLI finds a
 * deployed stage with them (the same names exist in each region that hosts a control plane).
 * Pure functions, no Pulumi: safe to import from the CLI and from Lambda code.
 */

export const APP_NAME = "kirikae";

export type WorkflowKind = "failover" | "failback";

/** SST stage names become part of every name below; keep them short enough for the tightest limit. */
const STAGE_PATTERN = /^[a-z0-9][a-z0-9-]{0,23}$/i;

export function assertStageName(stage: string): void {
  if (!STAGE_PATTERN.test(stage)) {
    throw new Error(
      `stage "${stage}" cannot name kirikae's resources: use 1-24 letters, digits or hyphens, starting with a letter or digit`,
    );
  }
}

/** `kirikae-<stage>-<suffix>`: the shape of every stage-scoped name. */
export function resourceName(stage: string, suffix: string): string {
  return `${APP_NAME}-${stage}-${suffix}`;
}

/** The names a stage's control plane has in each of its regions. */
export function stageNames(stage: string) {
  return {
    stateTable: tableName(stage, "state"),
    auditTable: tableName(stage, "audit"),
    notificationsTopic: topicName(stage),
    failoverStateMachine: stateMachineName(stage, "failover"),
    failbackStateMachine: stateMachineName(stage, "failback"),
    functionName: (key: string) => functionName(stage, key),
    detectRule: (plan: string) => detectRuleName(stage, plan),
    forwardRule: (plan: string) => forwardRuleName(stage, plan),
  };
}

export function stateMachineName(stage: string, kind: WorkflowKind): string {
  return resourceName(stage, kind);
}

/** `logicalName` is a table definition's (infra/table-definitions.ts): "state" or "audit". */
export function tableName(stage: string, logicalName: string): string {
  return resourceName(stage, logicalName);
}

export function topicName(stage: string): string {
  return resourceName(stage, "notifications");
}

/** `key` is a task function key (stepfunctions/task-functions.ts) or a control function key. */
export function functionName(stage: string, key: string): string {
  return resourceName(stage, key);
}

export function functionLogGroupName(stage: string, key: string): string {
  return `/aws/lambda/${functionName(stage, key)}`;
}

export function stateMachineLogGroupName(stage: string, kind: WorkflowKind): string {
  return `/aws/vendedlogs/states/${stateMachineName(stage, kind)}`;
}

/** IAM names are account-wide, so a function's role carries the region it serves. */
export function functionRoleName(stage: string, key: string, region: string): string {
  return fitName(`${APP_NAME}-${stage}-${key}-${region}`, 64);
}

export function stateMachineRoleName(stage: string, region: string): string {
  return fitName(`${APP_NAME}-${stage}-workflows-${region}`, 64);
}

export function alarmForwardingRoleName(stage: string): string {
  return fitName(`${APP_NAME}-${stage}-alarm-forwarding`, 64);
}

/** The rule, in the plan's recovery region, that hands the plan's alarm state changes to the detector. */
export function detectRuleName(stage: string, plan: string): string {
  return fitName(resourceName(stage, `${plan}-alarms`), 64);
}

/** The rule, in each other region holding one of the plan's alarms, that forwards them to the detector's. */
export function forwardRuleName(stage: string, plan: string): string {
  return fitName(resourceName(stage, `${plan}-forward`), 64);
}

export function scheduleRuleName(stage: string, key: string): string {
  return fitName(`${APP_NAME}-${stage}-${key}-schedule`, 64);
}

export function readinessAlarmName(stage: string, plan: string): string {
  return `${APP_NAME}-${stage}-${plan}-readiness`;
}

/** Where Lambda puts an alarm event the detector failed on after its retries (its on-failure destination). */
export function detectorFailureQueueName(stage: string): string {
  return resourceName(stage, "detector-failures");
}

export function detectorFailureQueueArn(region: string, account: string, stage: string): string {
  return `arn:${partitionOf(region)}:sqs:${region}:${account}:${detectorFailureQueueName(stage)}`;
}

/**
 * The queue's URL, as GetQueueUrl answers it: built from names, so the reader needs no GetQueueUrl grant
 * and no dependency on the queue resource, which infra creates after the functions.
 */
export function detectorFailureQueueUrl(region: string, account: string, stage: string): string {
  return sqsQueueUrl(region, account, detectorFailureQueueName(stage));
}

/** A standard queue's URL (SQS developer guide, "Amazon SQS queue and message identifiers"). */
export function sqsQueueUrl(region: string, account: string, name: string): string {
  const domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

/** The alarm on a scheduled function's failed invocations, e.g. kirikae-prod-writeDigests-errors. */
export function functionErrorAlarmName(stage: string, key: string): string {
  return resourceName(stage, `${key}-errors`);
}

/** The detector's alarms: `errors` (an invocation failed) and `dead-letters` (an event was given up on). */
export function detectorAlarmName(stage: string, what: "errors" | "dead-letters"): string {
  return resourceName(stage, `detector-${what}`);
}

/** The metric the readiness check publishes per plan, and that each region alarms on. */
export const readinessMetric = { namespace: "Kirikae", name: "ReadinessGaps", dimension: "Plan" } as const;

/** Where the deployed plans file sits inside every function's package (KIRIKAE_PLANS_FILE). */
export const PLANS_FILE_IN_PACKAGE = "kirikae-plans.json";
export const LAMBDA_TASK_ROOT = "/var/task";

export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** By stage and kind, or (three arguments) by the state machine's full name. */
export function stateMachineArn(region: string, account: string, stage: string, kind: WorkflowKind): string;
export function stateMachineArn(region: string, account: string, name: string): string;
export function stateMachineArn(region: string, account: string, stageOrName: string, kind?: WorkflowKind) {
  const name = kind === undefined ? stageOrName : stateMachineName(stageOrName, kind);
  return `arn:${partitionOf(region)}:states:${region}:${account}:stateMachine:${name}`;
}

export function functionArn(region: string, account: string, stage: string, key: string): string {
  return `arn:${partitionOf(region)}:lambda:${region}:${account}:function:${functionName(stage, key)}`;
}

export function tableArn(region: string, account: string, stage: string, logicalName: string): string {
  return `arn:${partitionOf(region)}:dynamodb:${region}:${account}:table/${tableName(stage, logicalName)}`;
}

export function topicArn(region: string, account: string, stage: string): string {
  return `arn:${partitionOf(region)}:sns:${region}:${account}:${topicName(stage)}`;
}

export function defaultEventBusArn(region: string, account: string): string {
  return `arn:${partitionOf(region)}:events:${region}:${account}:event-bus/default`;
}

export function eventRuleArn(region: string, account: string, ruleName: string): string {
  return `arn:${partitionOf(region)}:events:${region}:${account}:rule/${ruleName}`;
}

/** ap-northeast-1 -> ApNortheast1: logical names and statement IDs are PascalCase. */
export function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => `${part[0]?.toUpperCase() ?? ""}${part.slice(1)}`)
    .join("");
}

/**
 * Names over an AWS limit keep a readable prefix and end in a hash of the whole name, so they stay
 * unique and the same on every deploy.
 */
function fitName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, max - hash.length - 1)}-${hash}`;
}

/**
 * The audit digests' Object Lock bucket of one control-plane region. Bucket names are global and at most
 * 63 characters: account and region make it unique, and the longest stage (24) and region (14) fit exactly.
 */
export function digestBucketName(stage: string, account: string, region: string): string {
  return `${resourceName(stage, "dg").toLowerCase()}-${account}-${region}`;
}

/** The alias of each control-plane region's digest signing key (the same alias in every region). */
export function digestKeyAlias(stage: string): string {
  return `alias/${resourceName(stage, "audit-digests")}`;
}
