import { KirikaeError } from "../core/errors.js";
import { AwsCallError } from "../core/workflow/workflow-errors.js";

class AwsAccessError extends KirikaeError {
  constructor(message: string, options: { action: string; cause: unknown; requestId?: string }) {
    super(message, options);
    this.name = "AwsAccessError";
  }
}

/**
 * The failures of talking to a real account that a person can fix, in words: no or expired credentials,
 * a stage that is not deployed where they looked, a permission they lack (AWS's own message names the
 * action and the resource). Anything else passes through unchanged.
 */
export function asUserFailure(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof KirikaeError) return error;
  const requestId = (error as { $metadata?: { requestId?: string } }).$metadata?.requestId;
  const base = { cause: error, ...(requestId ? { requestId } : {}) };
  switch (error.name) {
    case "CredentialsProviderError":
      return new AwsAccessError("no AWS credentials found", {
        ...base,
        action: "sign in (`aws sso login`, AWS_PROFILE, or `aws configure`) and run the command again",
      });
    case "ExpiredToken":
    case "ExpiredTokenException":
      return new AwsAccessError("your AWS credentials have expired", {
        ...base,
        action: "sign in again (`aws sso login`) and run the command again",
      });
    case "AccessDenied":
    case "AccessDeniedException":
    case "UnauthorizedOperation":
      return new AwsAccessError(`AWS denied the request: ${error.message}`, {
        ...base,
        action:
          "ask for that action on that resource (docs/deploy.md lists the on-call role's policy), or use a role that has it",
      });
    case "ResourceNotFoundException":
    case "StateMachineDoesNotExist":
      return new AwsAccessError(`the stage's resources are not there: ${error.message}`, {
        ...base,
        action:
          "check --stage and --region (the stage must be deployed in that region: `npx sst deploy --stage NAME`)",
      });
    default:
      return error;
  }
}

/** Where a stage keeps its signed audit digests in one region (infra/names.ts names both). */
export interface DigestLocation {
  stage: string;
  region: string;
  bucket: string;
  keyAlias: string;
}

/**
 * Reading a stage's digests fails in two ways a person can fix: their identity lacks the auditor's read
 * policy, or the stage was deployed before digests existed and has no bucket or key. The adapters report
 * both as AwsCallError, whose action is written for the control plane's own roles; a person at the CLI
 * needs the auditor policy or a redeploy instead. Anything else passes through unchanged.
 */
export function asDigestFailure(error: unknown, where: DigestLocation): unknown {
  const name =
    error instanceof AwsCallError ? error.awsErrorName : error instanceof Error ? error.name : undefined;
  const requestId =
    error instanceof KirikaeError
      ? error.requestId
      : (error as { $metadata?: { requestId?: string } }).$metadata?.requestId;
  const base = { cause: error, ...(requestId ? { requestId } : {}) };
  const what = `the signed audit digests of stage ${where.stage} in ${where.region}`;
  switch (name) {
    case "AccessDenied":
    case "AccessDeniedException":
      return new AwsAccessError(`AWS denied reading ${what}: ${(error as Error).message}`, {
        ...base,
        action: `use an identity with the auditor policy of docs/deploy.md, "Signed audit digests" (s3:ListBucket and s3:GetObject on ${where.bucket}, kms:GetPublicKey on ${where.keyAlias}), in each region of the plan`,
      });
    case "NoSuchBucket":
    case "NotFoundException":
      return new AwsAccessError(
        `${what} are not there: ${name === "NoSuchBucket" ? `no bucket ${where.bucket}` : `no key ${where.keyAlias}`}`,
        {
          ...base,
          action: `the stage predates signed digests: redeploy it (\`npx sst deploy --stage ${where.stage}\`) to create its digest bucket and key in ${where.region}, then run again (or check --stage and --region)`,
        },
      );
    default:
      return error;
  }
}
