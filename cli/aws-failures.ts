import { KirikaeError } from "../core/errors.js";
import { AwsCallError } from "../core/workflow/workflow-errors.js";
import { type AwsCall, awsCallOf } from "./aws-call-context.js";
import { EXIT, type ExitCode } from "./exit-codes.js";

/** A failure as a person reads it: what happened and what to do, and how the command exits. */
export interface CliFailure {
  /** Stable, for scripts reading `--json`: "ExpiredCredentials", "AccessDenied", "InvalidPlan", ... */
  code: string;
  message: string;
  hint: string;
  exitCode: ExitCode;
  requestId?: string;
}

/** The kinds of AWS failure a person meets at the CLI, each with its own line and exit status. */
export type AwsFailureCode =
  | "NoCredentials"
  | "InvalidCredentials"
  | "ExpiredCredentials"
  | "AccessDenied"
  | "RegionUnreachable"
  | "Throttled"
  | "AwsUnavailable"
  | "StageNotFound"
  | "ExecutionNotFound";

const DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "AuthorizationError",
  "UnauthorizedOperation",
  "UnauthorizedException",
]);
const INVALID_CREDENTIALS = new Set([
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "InvalidSignatureException",
  "AuthFailure",
]);
const EXPIRED = new Set(["ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired"]);
/** What the SDK's credential and token providers throw when they find nothing usable. */
const PROVIDER_ERRORS = new Set(["CredentialsProviderError", "TokenProviderError"]);
const THROTTLED = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ProvisionedThroughputExceededException",
  "RequestThrottledException",
  "SlowDown",
]);
/** Not there: a table, state machine, function, digest bucket or key that the stage would have. */
const NOT_DEPLOYED = new Set(["ResourceNotFoundException", "StateMachineDoesNotExist", "NoSuchBucket"]);
/** Node's and the SDK's words for a request that never got an answer. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ECONNABORTED",
]);

/** What an error (or an error in its cause chain) says about AWS, read once. */
interface AwsSignal {
  name: string;
  message: string;
  code?: string;
  fault?: string;
  requestId?: string;
}

/**
 * The AWS failure an error amounts to, in one line a person can act on, or undefined when it is not one
 * (a bug, or a failure a command explains itself). Walks the cause chain, so an AWS error wrapped by an
 * adapter (AwsCallError, AuditWriteError) is read as what AWS said. `profile` names the profile in use,
 * for the hints that send a person to sign in again.
 */
export function awsFailureOf(error: unknown, options: { profile?: string } = {}): CliFailure | undefined {
  const signal = awsSignalOf(error);
  if (!signal) return undefined;
  const call = awsCallOf(error);
  const where = call?.region ? ` in ${call.region}` : "";
  const what = call ? `${call.action}${call.resource ? ` on ${call.resource}` : ""}` : "the request";
  const base = signal.requestId ? { requestId: signal.requestId } : {};
  const profile = options.profile ? ` --profile ${options.profile}` : "";
  const aws = (code: AwsFailureCode, message: string, hint: string): CliFailure => ({
    code,
    message,
    hint,
    exitCode: code === "StageNotFound" || code === "ExecutionNotFound" ? EXIT.usage : EXIT.aws,
    ...base,
  });
  const { name, message } = signal;

  if (PROVIDER_ERRORS.has(name)) {
    if (/expired|refresh/i.test(message)) {
      return aws(
        "ExpiredCredentials",
        `your AWS sign-in has expired${options.profile ? ` (profile ${options.profile})` : ""}: ${firstSentence(message)}`,
        `refresh the session (\`aws sso login${profile}\`), then run the command again`,
      );
    }
    const missingProfile = /profile (\S+?) could not be found/i.exec(message)?.[1];
    if (missingProfile) {
      return aws(
        "NoCredentials",
        `AWS profile ${missingProfile} is not configured`,
        "name a profile from `aws configure list-profiles` with --profile or AWS_PROFILE",
      );
    }
    return aws(
      "NoCredentials",
      `no AWS credentials found${options.profile ? ` for profile ${options.profile}` : ""}`,
      `sign in (\`aws sso login${profile}\`), pass --profile or set AWS_PROFILE, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; then run the command again`,
    );
  }
  if (EXPIRED.has(name)) {
    return aws(
      "ExpiredCredentials",
      `your AWS session token has expired (${name}, calling ${what}${where})`,
      `refresh the SSO or session credentials (\`aws sso login${profile}\`, or new session credentials in the environment), then run the command again`,
    );
  }
  if (INVALID_CREDENTIALS.has(name)) {
    return aws(
      "InvalidCredentials",
      `AWS does not accept these credentials (${name}, calling ${what}${where}): ${firstSentence(message)}`,
      "check which credentials are in use with `aws sts get-caller-identity` (AWS_ACCESS_KEY_ID in the environment wins over a profile), then refresh them (`aws sso login`) or use another profile with --profile",
    );
  }
  if (DENIED.has(name)) {
    const denied = deniedCall(message);
    const action = denied?.action ?? call?.action;
    const resource = denied?.resource ?? call?.resource;
    const target = `${action ?? "the request"}${resource ? ` on ${resource}` : ""}`;
    return aws(
      "AccessDenied",
      `AWS denied ${target}${denied?.principal ? ` to ${denied.principal}` : ""}${where}`,
      `ask for ${action ?? "that action"}${resource ? ` on ${resource}` : ""} (docs/deploy.md lists the on-call policy), or run with a profile or role that has it (--profile)`,
    );
  }
  if (signal.code && NETWORK_CODES.has(signal.code)) return unreachable(signal, call, aws);
  if (name === "TimeoutError" || name === "RequestTimeout") return unreachable(signal, call, aws);
  if (THROTTLED.has(name)) {
    return aws(
      "Throttled",
      `AWS throttled ${what}${where} and kept refusing it after the SDK's retries (${name})`,
      "wait a minute and run the command again; if it persists, something else is calling the same API heavily",
    );
  }
  if (name === "ExecutionDoesNotExist") {
    return aws(
      "ExecutionNotFound",
      `no execution ${call?.resource ?? ""}${where}`.replace("  ", " "),
      "check the execution ARN (`kirikae status` lists what runs); an execution lives in the region its ARN names",
    );
  }
  if (NOT_DEPLOYED.has(name) || (name === "NotFoundException" && call?.action.startsWith("kms:"))) {
    return aws(
      "StageNotFound",
      `${notDeployedWhat(call, message)}${where}: the stage is not deployed there`,
      "check --stage and --region (or KIRIKAE_STAGE and KIRIKAE_REGION): the stage must be deployed in that region (`npx sst deploy --stage NAME`), and each plan has its own state machines there",
    );
  }
  if (signal.fault === "server" || name === "InternalFailure" || name === "ServiceUnavailable") {
    return aws(
      "AwsUnavailable",
      `AWS failed to answer ${what}${where} (${name}: ${firstSentence(message)})`,
      `run the command again shortly; if ${call?.region ?? "the region"} has an outage, use --region with the plan's other region`,
    );
  }
  return undefined;
}

function unreachable(
  signal: AwsSignal,
  call: AwsCall | undefined,
  aws: (code: AwsFailureCode, message: string, hint: string) => CliFailure,
): CliFailure {
  const region = call?.region;
  return aws(
    "RegionUnreachable",
    `AWS${region ? ` in ${region}` : ""} did not answer${call ? ` ${call.action}` : ""} (${signal.code ?? signal.name}: ${firstSentence(signal.message)})`,
    `if ${region ?? "that region"} is down, run again with --region set to the plan's other region (the control plane runs in both); otherwise check the network, VPN or proxy (HTTPS_PROXY)`,
  );
}

/** AWS's own denial names the principal, action and resource: "User: X is not authorized to perform: A on resource: R". */
function deniedCall(message: string): { principal?: string; action?: string; resource?: string } | undefined {
  const action = /not authorized to perform:? ([\w-]+:[\w*]+)/i.exec(message)?.[1];
  if (!action) return undefined;
  const principal = /User: (\S+)/.exec(message)?.[1];
  const resource = /on resource:? (\S+)/i.exec(message)?.[1]?.replace(/[.,;]$/, "");
  return { action, ...(principal ? { principal } : {}), ...(resource ? { resource } : {}) };
}

function notDeployedWhat(call: AwsCall | undefined, message: string): string {
  const service = call?.action.split(":")[0];
  const resource = call?.resource;
  if (!resource) return `not there: ${firstSentence(message)}`;
  const kind =
    service === "dynamodb"
      ? "DynamoDB table"
      : service === "states"
        ? "state machine"
        : service === "lambda"
          ? "Lambda function"
          : service === "s3"
            ? "S3 bucket"
            : service === "kms"
              ? "KMS key"
              : "resource";
  return `no ${kind} ${resource}`;
}

/** The name, message, network code and request ID of the first AWS-looking error in the cause chain. */
function awsSignalOf(error: unknown): AwsSignal | undefined {
  const seen = new Set<unknown>();
  let current = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    // An adapter's AwsCallError names the AWS error but drops its network code and fault: read what it wraps.
    if (current instanceof AwsCallError && current.cause instanceof Error) {
      current = current.cause;
      continue;
    }
    const sdk = current as Error & {
      code?: unknown;
      $fault?: unknown;
      $metadata?: { requestId?: string };
    };
    const name = current instanceof AwsCallError ? current.awsErrorName : current.name;
    const code = typeof sdk.code === "string" ? sdk.code : undefined;
    const awsLike =
      current instanceof AwsCallError ||
      sdk.$metadata !== undefined ||
      PROVIDER_ERRORS.has(name) ||
      (code !== undefined && NETWORK_CODES.has(code)) ||
      name === "TimeoutError";
    if (awsLike && !(current instanceof KirikaeError && !(current instanceof AwsCallError))) {
      const requestId =
        sdk.$metadata?.requestId ?? (current instanceof KirikaeError ? current.requestId : undefined);
      const message = current.message;
      return {
        name,
        message,
        ...(code ? { code } : {}),
        ...(typeof sdk.$fault === "string" ? { fault: sdk.$fault } : {}),
        ...(requestId ? { requestId } : {}),
      };
    }
    current = current.cause;
  }
  return undefined;
}

function firstSentence(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

class AwsAccessError extends KirikaeError {
  constructor(message: string, options: { action: string; cause: unknown; requestId?: string }) {
    super(message, options);
    this.name = "AwsAccessError";
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
