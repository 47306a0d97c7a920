import { KirikaeError } from "../core/errors.js";

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
