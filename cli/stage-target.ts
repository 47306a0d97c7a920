import type { Command } from "commander";
import { DynamoDbAuditTrail } from "../adapters/aws/dynamodb-audit-trail.js";
import { DynamoDbPlanState } from "../adapters/aws/dynamodb-plan-state.js";
import type { WorkflowKind } from "../core/ports/plan-state.js";
import { assertStageName, stateMachineArn, tableName } from "../infra/names.js";
import type { CliAws } from "./cli-aws.js";
import { CliUsageError } from "./usage-error.js";

export interface StageOptions {
  stage: string;
  region?: string;
}

/** A deployed stage's control plane in one region, found by kirikae's naming and the caller's account. */
export interface StageTarget {
  stage: string;
  region: string;
  /** The caller, as STS reports it. */
  identity: string;
  stateMachines: Record<WorkflowKind, string>;
  state: DynamoDbPlanState;
  audit: DynamoDbAuditTrail;
}

/** `--stage` and `--region`: which deployment to talk to; every operational command takes them. */
export function withStageOptions(command: Command): Command {
  return command
    .option("--stage <name>", "the SST stage kirikae was deployed as", "production")
    .option(
      "--region <region>",
      "the control plane's region (either region of the plan; use the one that is up); default AWS_REGION",
    );
}

/**
 * Resolves the stage from its deterministic names. The control plane runs in both regions of a plan, so
 * whichever region the person names, the same tables and state machines answer there.
 */
export async function resolveStage(
  options: StageOptions,
  aws: CliAws,
  environment: Record<string, string | undefined> = process.env,
): Promise<StageTarget> {
  try {
    assertStageName(options.stage);
  } catch (error) {
    throw new CliUsageError((error as Error).message, "pass the --stage the control plane was deployed as");
  }
  const region = options.region ?? environment.AWS_REGION ?? environment.AWS_DEFAULT_REGION;
  if (!region) {
    throw new CliUsageError(
      "no region given for the control plane",
      "pass --region with one of the plan's regions (the one that is up), or set AWS_REGION",
    );
  }
  return stageIn(region, { stage: options.stage, identity: await aws.callerIdentity(region) }, aws);
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
    stateMachines: {
      failover: stateMachineArn(region, account, stage, "failover"),
      failback: stateMachineArn(region, account, stage, "failback"),
    },
    state: new DynamoDbPlanState(documents, tableName(stage, "state")),
    audit: new DynamoDbAuditTrail(documents, tableName(stage, "audit")),
  };
}
