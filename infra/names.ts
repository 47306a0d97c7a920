import { createHash } from "node:crypto";
import { KirikaeError } from "../core/errors.js";

/**
 * Every name kirikae gives a deployed resource, in one place: infra creates them, and the CLI finds a
 * deployed stage with them (the same names exist in each region that hosts a control plane).
 * Pure functions, no Pulumi: safe to import from the CLI and from Lambda code.
 */

export const APP_NAME = "kirikae";

export type WorkflowKind = "failover" | "failback";
export const WORKFLOW_KINDS: readonly WorkflowKind[] = ["failover", "failback"];

/** SST stage names become part of every name below; keep them short enough for the tightest limit. */
const STAGE_PATTERN = /^[a-z0-9][a-z0-9-]{0,23}$/i;

/** A name kirikae would give a resource is over AWS's limit for it; the deploy stops before creating any. */
export class ResourceNameError extends KirikaeError {
  constructor(message: string, options: { action: string }) {
    super(message, options);
    this.name = "ResourceNameError";
  }
}

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
    stateMachine: (kind: WorkflowKind, plan: string) => stateMachineName(stage, kind, plan),
    functionName: (key: string) => functionName(stage, key),
    detectRule: (plan: string) => detectRuleName(stage, plan),
    forwardRule: (plan: string) => forwardRuleName(stage, plan),
  };
}

/** Step Functions' limit on a state machine's name ("CreateStateMachine", Step Functions API reference). */
export const STATE_MACHINE_NAME_MAX_LENGTH = 80;

/**
 * `kirikae-<stage>-<plan>-<kind>`: each plan has its own failover and failback machines, generated from
 * its recovery blocks. The kind stays the suffix, so an execution's machine tells failback from failover
 * by `endsWith("-failback")`. Not shortened by a hash like the names below: the detector, the CLI and
 * the on-call policy compute this name from the plan, and a person finds it in the console by the plan.
 * The longest stage (24) and plan (40) make 82 characters, so a name over the limit is refused instead.
 */
export function stateMachineName(stage: string, kind: WorkflowKind, plan: string): string {
  const name = resourceName(stage, `${plan}-${kind}`);
  if (name.length > STATE_MACHINE_NAME_MAX_LENGTH) {
    const room = STATE_MACHINE_NAME_MAX_LENGTH - (name.length - stage.length - plan.length);
    const action = `shorten the stage or the plan's name: together they may have at most ${room} characters`;
    // The action is in the message too: a deploy prints the message alone.
    throw new ResourceNameError(
      `the ${kind} state machine of plan "${plan}" in stage "${stage}" would be named ${name}, ${name.length} characters, over Step Functions' limit of ${STATE_MACHINE_NAME_MAX_LENGTH}; ${action}`,
      { action },
    );
  }
  return name;
}

/** Refuses, before anything is created, a stage and plan whose state machines cannot be named. */
export function assertStateMachineNames(stage: string, plan: string): void {
  for (const kind of WORKFLOW_KINDS) stateMachineName(stage, kind, plan);
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

export function stateMachineLogGroupName(stage: string, kind: WorkflowKind, plan: string): string {
  return `/aws/vendedlogs/states/${stateMachineName(stage, kind, plan)}`;
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

/** A plan's failover or failback state machine in one region (both regions of a plan have both). */
export function stateMachineArn(
  region: string,
  account: string,
  stage: string,
  kind: WorkflowKind,
  plan: string,
): string {
  return stateMachineArnNamed(region, account, stateMachineName(stage, kind, plan));
}

/** A state machine's ARN from its full name, as an execution's ARN carries it. */
export function stateMachineArnNamed(region: string, account: string, name: string): string {
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
