import {
  InvalidParameterValueException,
  InvalidRequestContentException,
  type InvocationResponse,
  RequestTooLargeException,
  ResourceNotFoundException,
} from "@aws-sdk/client-lambda";
import {
  errorMetadata,
  type ModelContext,
  type SandboxCall,
  type ServiceModel,
  type TrailResource,
} from "../service-model.js";

/** A function's code, run in process: the parsed event in, a JSON-serialisable result out. */
export type SandboxFunctionHandler = (event: unknown) => Promise<unknown>;

export interface FunctionOptions {
  /**
   * The function's configured timeout, on the virtual clock. Default 60 s, a custom step's default
   * timeoutSeconds; Lambda's own default of 3 s is too short for any restore step.
   */
  timeoutMs?: number;
}

/** One invocation, as the sandbox saw it, for tests and drill reports. */
export interface InvocationRecord {
  functionArn: string;
  requestId: string;
  at: Date;
  endedAt: Date;
  event: unknown;
  /** "Unhandled" when the function threw or timed out. */
  functionError?: string;
  /** The function's result, or the error object Lambda returns in its place. */
  payload: unknown;
}

interface FunctionState {
  arn: string;
  name: string;
  region: string;
  accountId: string;
  handler: SandboxFunctionHandler;
  timeoutMs: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** Lambda's synchronous invocation payload quota, request and response: 6 MB. */
const MAX_PAYLOAD_BYTES = 6_291_456;
const LAMBDA_ARN =
  /^arn:aws[a-z-]*:lambda:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):function:([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9_$-]+))?$/;
const PARTIAL_ARN = /^(\d{12}):function:([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9_$-]+))?$/;
const NAME = /^([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9_$-]+))?$/;

/**
 * AWS Lambda's Invoke for functions registered in process by ARN, after the Lambda API reference (Invoke,
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html): FunctionName as a name, partial ARN or
 * ARN, optionally qualified ($LATEST only here); RequestResponse runs the handler and answers 200 with its
 * JSON result as Payload; a handler that throws or outlives its timeout still answers 200, with
 * FunctionError "Unhandled" and the error object as Payload (errorType, errorMessage, trace, as the Node.js
 * runtime writes it; "Sandbox.Timedout" for a timeout); Event answers 202 and runs the handler unawaited;
 * DryRun answers 204. A function of another region is not reachable ("Functions from 'us-east-1' are not
 * reachable in this region", ResourceNotFoundException), and a region that is down answers nothing at all:
 * the estate's region-down fault, like every other model's.
 * Invoke is a CloudTrail data event, not a management event, so LookupEvents never returns it and nothing
 * here is mutating: the evidence linker must not look for it (as with S3 object writes).
 */
export class LambdaModel implements ServiceModel {
  readonly service = "lambda" as const;
  readonly eventSource = "lambda.amazonaws.com";
  private readonly functions = new Map<string, FunctionState>();
  private readonly records: InvocationRecord[] = [];

  constructor(private readonly context: ModelContext) {}

  /** Sandbox setup: the function with this ARN runs `handler`. Registering an ARN again replaces its code. */
  register(arn: string, handler: SandboxFunctionHandler, options: FunctionOptions = {}): void {
    const match = LAMBDA_ARN.exec(arn);
    if (!match || match[4] !== undefined) {
      throw new Error(`the sandbox registers functions by unqualified function ARN, not "${arn}"`);
    }
    const [, region = "", accountId = "", name = ""] = match;
    this.functions.set(key(region, name), {
      arn,
      name,
      region,
      accountId,
      handler,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  }

  /** Sandbox inspection: every invocation answered so far, oldest first; only those of one function if given. */
  invocations(functionArn?: string): readonly InvocationRecord[] {
    return functionArn === undefined
      ? this.records
      : this.records.filter((record) => record.functionArn === functionArn);
  }

  /**
   * The resources IAM evaluates Invoke against (Service Authorization Reference, AWS Lambda): action
   * lambda:InvokeFunction on the function's ARN, qualified (…:function:NAME:QUALIFIER) when the call names
   * a version or alias; a grant on the unqualified ARN does not cover qualified calls.
   */
  iamResources(call: SandboxCall): string[] {
    const target = parseFunctionName(String(call.input.FunctionName ?? ""));
    if (!target) return [];
    const account =
      target.accountId ??
      this.functions.get(key(call.region, target.name))?.accountId ??
      accountOf(call.principal);
    const qualifier = typeof call.input.Qualifier === "string" ? call.input.Qualifier : target.qualifier;
    const arn = `arn:aws:lambda:${target.region ?? call.region}:${account}:function:${target.name}`;
    return [qualifier === undefined ? arn : `${arn}:${qualifier}`];
  }

  isMutating(): boolean {
    return false;
  }

  resourcesOf(call: SandboxCall): TrailResource[] {
    const name = call.input.FunctionName;
    return typeof name === "string" ? [{ ResourceType: "AWS::Lambda::Function", ResourceName: name }] : [];
  }

  async handle(call: SandboxCall): Promise<Record<string, unknown>> {
    if (call.operation !== "Invoke") throw new Error(`the sandbox does not model lambda:${call.operation}`);
    return await this.invoke(call);
  }

  private async invoke(call: SandboxCall): Promise<Record<string, unknown>> {
    const fn = this.requireFunction(call);
    const bytes = payloadBytes(call.input.Payload);
    if (bytes.byteLength > MAX_PAYLOAD_BYTES) {
      throw new RequestTooLargeException({
        message: `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
        Type: "User",
        $metadata: errorMetadata(call, 413),
      });
    }
    let event: unknown = null;
    const text = new TextDecoder().decode(bytes);
    if (text.trim() !== "") {
      try {
        event = JSON.parse(text);
      } catch (error) {
        throw new InvalidRequestContentException({
          message: `Could not parse request body into json: ${(error as Error).message}`,
          Type: "User",
          $metadata: errorMetadata(call),
        });
      }
    }
    const type = call.input.InvocationType ?? "RequestResponse";
    if (type === "DryRun") return { StatusCode: 204 } satisfies Omit<InvocationResponse, "Payload">;
    if (type === "Event") {
      // Lambda queues the event and answers at once; its retries of failed asynchronous runs are not modelled.
      void this.run(fn, call, event).catch(() => undefined);
      return { StatusCode: 202 } satisfies Omit<InvocationResponse, "Payload">;
    }
    if (type !== "RequestResponse") {
      throw new InvalidParameterValueException({
        message: `1 validation error detected: Value '${String(type)}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
        Type: "User",
        $metadata: errorMetadata(call),
      });
    }
    const outcome = await this.run(fn, call, event);
    return {
      StatusCode: 200,
      ExecutedVersion: "$LATEST",
      Payload: blobOf(JSON.stringify(outcome.payload ?? null)),
      ...(outcome.functionError ? { FunctionError: outcome.functionError } : {}),
    };
  }

  /** Runs the handler on the virtual clock, no longer than the function's timeout. */
  private async run(
    fn: FunctionState,
    call: SandboxCall,
    event: unknown,
  ): Promise<{ payload: unknown; functionError?: string }> {
    const at = this.context.clock.now();
    const deadline = new AbortController();
    const timedOut = this.context.clock.sleep(fn.timeoutMs, deadline.signal).then(() => timeoutMarker);
    const ran: Promise<{ payload: unknown; functionError?: string }> = Promise.resolve()
      .then(() => fn.handler(event))
      .then(
        (result) => marshalled(result),
        (error: unknown) => ({ payload: errorPayload(error), functionError: "Unhandled" }),
      );
    const winner = await Promise.race([ran, timedOut]);
    deadline.abort();
    // A handler that outlives its timeout keeps running in process; Lambda would have stopped it.
    const outcome =
      typeof winner === "symbol"
        ? {
            payload: {
              errorType: "Sandbox.Timedout",
              errorMessage: `RequestId: ${call.requestId} Error: Task timed out after ${(fn.timeoutMs / 1000).toFixed(2)} seconds`,
            },
            functionError: "Unhandled",
          }
        : winner;
    this.records.push({
      functionArn: fn.arn,
      requestId: call.requestId,
      at,
      endedAt: this.context.clock.now(),
      event,
      payload: outcome.payload,
      ...(outcome.functionError ? { functionError: outcome.functionError } : {}),
    });
    return outcome;
  }

  private requireFunction(call: SandboxCall): FunctionState {
    const reference = String(call.input.FunctionName ?? "");
    const target = parseFunctionName(reference);
    if (!target) {
      throw new InvalidParameterValueException({
        message: `1 validation error detected: Value '${reference}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
        Type: "User",
        $metadata: errorMetadata(call),
      });
    }
    if (target.region !== undefined && target.region !== call.region) {
      throw new ResourceNotFoundException({
        message: `Functions from '${target.region}' are not reachable in this region ('${call.region}')`,
        Type: "User",
        $metadata: errorMetadata(call, 404),
      });
    }
    const fn = this.functions.get(key(call.region, target.name));
    const qualifier = typeof call.input.Qualifier === "string" ? call.input.Qualifier : target.qualifier;
    const accountMatches = target.accountId === undefined || target.accountId === fn?.accountId;
    if (!fn || !accountMatches || (qualifier !== undefined && qualifier !== "$LATEST")) {
      const account = target.accountId ?? fn?.accountId ?? accountOf(call.principal);
      const arn = `arn:aws:lambda:${call.region}:${account}:function:${target.name}`;
      throw new ResourceNotFoundException({
        message: `Function not found: ${qualifier === undefined ? arn : `${arn}:${qualifier}`}`,
        Type: "User",
        $metadata: errorMetadata(call, 404),
      });
    }
    return fn;
  }
}

const timeoutMarker = Symbol("timed out");

interface FunctionTarget {
  name: string;
  region?: string;
  accountId?: string;
  qualifier?: string;
}

function parseFunctionName(reference: string): FunctionTarget | undefined {
  const full = LAMBDA_ARN.exec(reference);
  if (full) {
    const [, region = "", accountId = "", name = "", qualifier] = full;
    return { name, region, accountId, ...(qualifier === undefined ? {} : { qualifier }) };
  }
  const partial = PARTIAL_ARN.exec(reference);
  if (partial) {
    const [, accountId = "", name = "", qualifier] = partial;
    return { name, accountId, ...(qualifier === undefined ? {} : { qualifier }) };
  }
  const bare = NAME.exec(reference);
  if (bare) {
    const [, name = "", qualifier] = bare;
    return { name, ...(qualifier === undefined ? {} : { qualifier }) };
  }
  return undefined;
}

/** A result that JSON cannot carry fails the invocation, as the runtime's Runtime.MarshalError does. */
function marshalled(result: unknown): { payload: unknown; functionError?: string } {
  try {
    JSON.stringify(result);
    return { payload: result };
  } catch (error) {
    return {
      payload: { errorType: "Runtime.MarshalError", errorMessage: (error as Error).message },
      functionError: "Unhandled",
    };
  }
}

/** The SDK hands the Payload member over as it was given: bytes or a string. */
function payloadBytes(payload: unknown): Uint8Array {
  if (payload === undefined || payload === null) return new Uint8Array();
  if (typeof payload === "string") return new TextEncoder().encode(payload);
  if (payload instanceof Uint8Array) return payload;
  if (ArrayBuffer.isView(payload))
    return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  throw new Error("the sandbox models lambda:Invoke with a Payload of bytes or a string");
}

/** A Payload as the SDK deserialises it: bytes with the SDK's transformToString. */
function blobOf(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  return Object.assign(bytes, {
    transformToString: (encoding = "utf-8") => Buffer.from(bytes).toString(encoding as BufferEncoding),
  });
}

/** What the Node.js runtime returns for an error the handler did not catch. */
function errorPayload(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    return {
      errorType: error.name,
      errorMessage: error.message,
      trace: (error.stack ?? "").split("\n").filter((line) => line.trim() !== ""),
    };
  }
  return { errorType: "Error", errorMessage: String(error), trace: [] };
}

function accountOf(principal: string): string {
  const account = principal.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : "111122223333";
}

function key(region: string, name: string): string {
  return `${region}/${name}`;
}
