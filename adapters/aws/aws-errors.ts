import { AwsCallError, TransientAwsError } from "../../core/workflow/workflow-errors.js";

const throttlingNames = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
]);
const transientNames = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalFailure",
  "ServiceUnavailable",
]);

interface SdkErrorShape {
  name?: string;
  message?: string;
  $fault?: string;
  $metadata?: { requestId?: string; httpStatusCode?: number };
}

/** The request ID of a successful SDK response. */
export function requestIdOf(output: { $metadata: { requestId?: string } }): string {
  return output.$metadata.requestId ?? "unknown";
}

/**
 * Maps an SDK error to the workflow's vocabulary: throttling, 5xx and timeouts become TransientAwsError
 * (the state machine retries them), anything else AwsCallError with AWS's error name, the request ID and
 * the resource, so the person reading it knows what failed where.
 */
export function toWorkflowError(error: unknown, call: { action: string; resource: string }): Error {
  const sdk = (error ?? {}) as SdkErrorShape;
  const name = sdk.name ?? "UnknownError";
  const requestId = sdk.$metadata?.requestId;
  const options = { cause: error, resource: call.resource, ...(requestId ? { requestId } : {}) };
  const message = `${call.action} on ${call.resource} failed: ${name}: ${sdk.message ?? String(error)}`;
  if (throttlingNames.has(name) || transientNames.has(name) || sdk.$fault === "server") {
    return new TransientAwsError(message, options);
  }
  const action =
    name === "AccessDeniedException" || name === "AccessDenied"
      ? `grant ${call.action} on ${call.resource} to the control plane's role`
      : "check the resource's state in the AWS console; the audit trail holds the request ID";
  return new AwsCallError(message, name, { ...options, action });
}

/** Runs an SDK call and maps its failure. */
export async function callAws<T>(
  call: { action: string; resource: string },
  send: () => Promise<T>,
): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw toWorkflowError(error, call);
  }
}
