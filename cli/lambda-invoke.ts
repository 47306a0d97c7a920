import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { ClientProvider } from "../adapters/aws/region-clients.js";
import { KirikaeError } from "../core/errors.js";
import { TASK_TIMEOUT_SECONDS } from "../stepfunctions/asl.js";
import type { InvokeResult } from "./cli-aws.js";

/** The function ran and threw: what it said, by name. */
export class FunctionFailed extends KirikaeError {
  constructor(functionName: string, errorType: string, message: string) {
    super(`${functionName} failed: ${errorType}: ${message}`, { resource: functionName });
    this.name = "FunctionFailed";
  }
}

/**
 * Invokes one of the stage's functions and waits for its answer. A workflow step may run up to its Task
 * timeout, so this call may too: longer than the CLI's usual request timeout.
 */
export async function invokeWithLambda(
  clients: ClientProvider,
  region: string,
  functionName: string,
  payload: unknown,
): Promise<InvokeResult> {
  const output = await clients
    .forRegion(region)
    .get(LambdaClient)
    .send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
      { requestTimeout: (TASK_TIMEOUT_SECONDS + 10) * 1000 },
    );
  const text = output.Payload ? new TextDecoder().decode(output.Payload) : "null";
  const answer = JSON.parse(text) as unknown;
  if (output.FunctionError) {
    const failure = (answer ?? {}) as { errorType?: unknown; errorMessage?: unknown };
    throw new FunctionFailed(
      functionName,
      typeof failure.errorType === "string" ? failure.errorType : output.FunctionError,
      typeof failure.errorMessage === "string" ? failure.errorMessage : text,
    );
  }
  return { payload: answer, requestId: output.$metadata.requestId ?? "unknown" };
}
