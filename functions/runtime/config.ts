import { z } from "zod";
import type { StateMachineArnOf } from "../../adapters/aws/step-functions-starter.js";
import { KirikaeError } from "../../core/errors.js";
import { stateMachineArn } from "../../infra/names.js";

/** The environment a deployed function runs with; infra sets every variable. Read once, validated. */
const configSchema = z.object({
  AWS_REGION: z.string().min(1),
  AWS_LAMBDA_FUNCTION_NAME: z.string().min(1),
  KIRIKAE_AUDIT_TABLE: z.string().min(1),
  KIRIKAE_STATE_TABLE: z.string().min(1),
  KIRIKAE_TOPIC_ARN: z.string().startsWith("arn:"),
  KIRIKAE_PLANS_FILE: z.string().min(1),
  /** The account the stage is deployed in: with the stage and region, it names the stage's resources. */
  KIRIKAE_ACCOUNT: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  /** The stage the control plane is deployed as; what the readiness check needs to find the detector. */
  KIRIKAE_STAGE: z.string().min(1).optional(),
  /** The region's audit digest bucket (Object Lock) and signing key alias; infra sets both on every function. */
  KIRIKAE_DIGEST_BUCKET: z.string().min(1).optional(),
  KIRIKAE_DIGEST_KEY: z.string().min(1).optional(),
  KIRIKAE_DIGEST_RETENTION_DAYS: z.coerce.number().int().positive().optional(),
  /** The detector's dead-letter queue; infra sets it on the evidence linker, which drains it. */
  KIRIKAE_DETECTOR_FAILURE_QUEUE_URL: z.url().optional(),
});

export interface RuntimeConfig {
  region: string;
  functionName: string;
  auditTable: string;
  stateTable: string;
  topicArn: string;
  plansFile: string;
  stage?: string;
  account?: string;
  digests?: { bucket: string; keyId: string; retentionDays: number };
  detectorFailureQueueUrl?: string;
}

/** Matches infra/deploy-config.ts's default; infra always sets the deployed value. */
const DEFAULT_DIGEST_RETENTION_DAYS = 400;

export class ConfigError extends KirikaeError {
  constructor(message: string) {
    super(message, {
      action: "redeploy with `npx sst deploy`; infra sets these variables on every function",
    });
    this.name = "ConfigError";
  }
}

export function loadConfig(environment: Record<string, string | undefined>): RuntimeConfig {
  const parsed = configSchema.safeParse(environment);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((issue) => issue.path.join(".")).join(", ");
    throw new ConfigError(`the function's environment is incomplete or invalid: ${missing}`);
  }
  const env = parsed.data;
  return {
    region: env.AWS_REGION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    auditTable: env.KIRIKAE_AUDIT_TABLE,
    stateTable: env.KIRIKAE_STATE_TABLE,
    topicArn: env.KIRIKAE_TOPIC_ARN,
    plansFile: env.KIRIKAE_PLANS_FILE,
    ...(env.KIRIKAE_STAGE ? { stage: env.KIRIKAE_STAGE } : {}),
    ...(env.KIRIKAE_ACCOUNT ? { account: env.KIRIKAE_ACCOUNT } : {}),
    ...(env.KIRIKAE_DIGEST_BUCKET && env.KIRIKAE_DIGEST_KEY
      ? {
          digests: {
            bucket: env.KIRIKAE_DIGEST_BUCKET,
            keyId: env.KIRIKAE_DIGEST_KEY,
            retentionDays: env.KIRIKAE_DIGEST_RETENTION_DAYS ?? DEFAULT_DIGEST_RETENTION_DAYS,
          },
        }
      : {}),
    ...(env.KIRIKAE_DETECTOR_FAILURE_QUEUE_URL
      ? { detectorFailureQueueUrl: env.KIRIKAE_DETECTOR_FAILURE_QUEUE_URL }
      : {}),
  };
}

/**
 * The state machines of this region's control plane, one failover and one failback per plan, named from
 * the stage, the region and the account as infra names them (infra/names.ts). Checked when the
 * function's dependencies are built, before any event is acted on: a detector that could not name the
 * machine fails before it takes a plan's lock, not between the lock and the start.
 */
export function stateMachineArns(
  config: Pick<RuntimeConfig, "region" | "stage" | "account">,
): StateMachineArnOf {
  const { region, stage, account } = config;
  if (!stage || !account) {
    const missing = [stage ? [] : "KIRIKAE_STAGE", account ? [] : "KIRIKAE_ACCOUNT"].flat();
    throw new ConfigError(
      `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set, so the plans' state machines cannot be named`,
    );
  }
  return (kind, plan) => stateMachineArn(region, account, stage, kind, plan);
}
