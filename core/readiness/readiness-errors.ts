import { KirikaeError, type KirikaeErrorOptions } from "../errors.js";
import { AwsCallError } from "../workflow/workflow-errors.js";

/**
 * The check could not read AWS at all: no credentials, credentials AWS rejects, or a read the identity
 * running the check may not make. Not a finding about the estate, so the check stops and says what to do.
 */
export class ReadinessAccessError extends KirikaeError {
  constructor(message: string, options: KirikaeErrorOptions) {
    super(message, options);
    this.name = "ReadinessAccessError";
  }
}

/** A region the check was asked to look at holds nothing the plan names. */
export class RegionNotInPlan extends KirikaeError {
  constructor(region: string, planName: string, regions: readonly string[]) {
    super(`plan "${planName}" names no resources in ${region}`, {
      action: `name one of the plan's regions: ${regions.join(", ")}`,
    });
    this.name = "RegionNotInPlan";
  }
}

const DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "AuthorizationError",
  "UnauthorizedOperation",
  "UnauthorizedException",
]);
const REJECTED_CREDENTIALS = new Set([
  "AuthFailure",
  "ExpiredToken",
  "ExpiredTokenException",
  "IncompleteSignature",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "UnrecognizedClientException",
]);
/** What the SDK's default credential chain throws when it finds nothing to sign with. */
const NO_CREDENTIALS = "CredentialsProviderError";

/** The ReadinessAccessError an AWS failure amounts to, if it is one. */
export function accessProblem(error: unknown): ReadinessAccessError | undefined {
  if (!(error instanceof AwsCallError)) return undefined;
  const name = error.awsErrorName;
  const { action, resource } = failedCall(error);
  const call = `${action} on ${resource}`;
  const options = {
    cause: error,
    resource,
    ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
  };
  if (DENIED.has(name)) {
    return new ReadinessAccessError(`access denied: ${call}`, {
      ...options,
      action: `allow ${action} to the identity running the check (\`aws sts get-caller-identity\` names it); the check only reads`,
    });
  }
  if (REJECTED_CREDENTIALS.has(name)) {
    return new ReadinessAccessError(`AWS rejected the credentials (${name}) for ${call}`, {
      ...options,
      action: "refresh them (`aws sso login`, or new access keys) and run the check again",
    });
  }
  if (name === NO_CREDENTIALS) {
    return new ReadinessAccessError(`no AWS credentials found for ${call}`, {
      ...options,
      action:
        "set AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then run the check again",
    });
  }
  return undefined;
}

/** The adapters name each failed call at the head of its message: "<service:Action> on <resource> failed: …". */
function failedCall(error: AwsCallError): { action: string; resource: string } {
  const resource = error.resource ?? "";
  const head = error.message.split(" failed: ")[0] ?? "";
  const suffix = ` on ${resource}`;
  return resource !== "" && head.endsWith(suffix)
    ? { action: head.slice(0, -suffix.length), resource }
    : { action: head, resource: resource || "(unknown resource)" };
}
