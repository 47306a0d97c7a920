import { z } from "zod";
import { KirikaeError } from "../../core/errors.js";

/** The environment a deployed function runs with; infra sets every variable. Read once, validated. */
const configSchema = z.object({
  AWS_REGION: z.string().min(1),
  AWS_LAMBDA_FUNCTION_NAME: z.string().min(1),
  KIRIKAE_AUDIT_TABLE: z.string().min(1),
  KIRIKAE_STATE_TABLE: z.string().min(1),
  KIRIKAE_TOPIC_ARN: z.string().startsWith("arn:"),
  KIRIKAE_PLANS_FILE: z.string().min(1),
  KIRIKAE_FAILOVER_STATE_MACHINE_ARN: z.string().startsWith("arn:").optional(),
  KIRIKAE_FAILBACK_STATE_MACHINE_ARN: z.string().startsWith("arn:").optional(),
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
  stateMachineArns: { failover?: string; failback?: string };
  stage?: string;
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
    stateMachineArns: {
      ...(env.KIRIKAE_FAILOVER_STATE_MACHINE_ARN ? { failover: env.KIRIKAE_FAILOVER_STATE_MACHINE_ARN } : {}),
      ...(env.KIRIKAE_FAILBACK_STATE_MACHINE_ARN ? { failback: env.KIRIKAE_FAILBACK_STATE_MACHINE_ARN } : {}),
    },
    ...(env.KIRIKAE_STAGE ? { stage: env.KIRIKAE_STAGE } : {}),
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
