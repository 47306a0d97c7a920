import type { Command } from "commander";
import { DynamoDbAuditTrail } from "../adapters/aws/dynamodb-audit-trail.js";
import { DynamoDbPlanState } from "../adapters/aws/dynamodb-plan-state.js";
import type { WorkflowKind } from "../core/ports/plan-state.js";
import { assertStageName, stateMachineArn, tableName } from "../infra/names.js";
import type { CliAws } from "./cli-aws.js";
import type { Environment } from "./cli-io.js";
import { CliUsageError } from "./usage-error.js";

export interface StageOptions {
  stage?: string;
  region?: string;
}

/** A deployed stage's control plane in one region, found by kirikae's naming and the caller's account. */
export interface StageTarget {
  stage: string;
  region: string;
  /** The caller, as STS reports it. */
  identity: string;
  /** A plan's failover or failback state machine here (each plan has its own pair). */
  stateMachine(kind: WorkflowKind, plan: string): string;
  state: DynamoDbPlanState;
  audit: DynamoDbAuditTrail;
}

/** Read-only commands may look at production by default; commands that change things may not guess. */
export interface StageUse {
  mutating?: boolean;
}

export const DEFAULT_READ_STAGE = "production";

/** `--stage` and `--region`: which deployment to talk to; every operational command takes them. */
export function withStageOptions(command: Command, use: StageUse = {}): Command {
  return command
    .option(
      "--stage <name>",
      use.mutating
        ? "the SST stage to act on: required here, or KIRIKAE_STAGE"
        : `the SST stage kirikae was deployed as (default: KIRIKAE_STAGE, else ${DEFAULT_READ_STAGE})`,
    )
    .option(
      "--region <region>",
      "the control plane's region: either region of the plan, the one that is up (default: KIRIKAE_REGION, AWS_REGION, then the profile's region)",
    );
}

/**
 * The stage a command acts on: --stage, else KIRIKAE_STAGE, else (reading only) production. A command
 * that changes things never falls back on production: the person names the stage they mean.
 */
export function stageNameOf(options: StageOptions, environment: Environment, use: StageUse = {}): string {
  const stage = options.stage ?? (environment.KIRIKAE_STAGE?.trim() || undefined);
  if (!stage) {
    if (use.mutating) {
      throw new CliUsageError(
        "no stage given: a command that changes things does not guess the stage",
        "pass --stage NAME (the SST stage kirikae was deployed as), or set KIRIKAE_STAGE",
      );
    }
    return DEFAULT_READ_STAGE;
  }
  try {
    assertStageName(stage);
  } catch (error) {
    throw new CliUsageError(
      (error as Error).message,
      "pass the --stage (or KIRIKAE_STAGE) the control plane was deployed as",
    );
  }
  return stage;
}

/**
 * The control plane's region, as the AWS CLI would choose one, with kirikae's own variable first:
 * --region, KIRIKAE_REGION, AWS_REGION, AWS_DEFAULT_REGION, then the profile's `region`.
 */
export async function regionOf(
  options: StageOptions,
  environment: Environment,
  aws: CliAws,
): Promise<string> {
  const named =
    options.region ??
    (environment.KIRIKAE_REGION?.trim() ||
      environment.AWS_REGION?.trim() ||
      environment.AWS_DEFAULT_REGION?.trim() ||
      undefined);
  const region = named ?? (await aws.defaultRegion?.());
  if (!region) {
    throw new CliUsageError(
      "no region given for the control plane",
      "pass --region with one of the plan's regions (the one that is up), or set KIRIKAE_REGION, or a region in your AWS profile",
    );
  }
  return region;
}

/**
 * Resolves the stage from its deterministic names. The control plane runs in both regions of a plan, so
 * whichever region the person names, the same tables and state machines answer there.
 */
export async function resolveStage(
  options: StageOptions,
  aws: CliAws,
  environment: Environment = process.env,
  use: StageUse = {},
): Promise<StageTarget> {
  const stage = stageNameOf(options, environment, use);
  const region = await regionOf(options, environment, aws);
  return stageIn(region, { stage, identity: await aws.callerIdentity(region) }, aws);
}

/** The same stage's control plane in another region, for the same caller: no need to ask STS again. */
export function stageIn(
  region: string,
  caller: Pick<StageTarget, "stage" | "identity">,
  aws: CliAws,
): StageTarget {
  const { stage, identity } = caller;
  const account = identity.split(":")[4] ?? "";
  const documents = aws.documents(region);
  return {
    stage,
    region,
    identity,
    stateMachine: (kind, plan) => stateMachineArn(region, account, stage, kind, plan),
    state: new DynamoDbPlanState(documents, tableName(stage, "state")),
    audit: new DynamoDbAuditTrail(documents, tableName(stage, "audit")),
  };
}
