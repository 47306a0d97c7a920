import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { KirikaeErrorOptions } from "../../core/errors.js";
import type { FunctionInvokerPort, InvocationResult } from "../../core/ports/function-invoker.js";
import { InvalidWorkflowInput, WorkflowError } from "../../core/workflow/workflow-errors.js";
import { callAws, requestIdOf } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/** The function answered with bytes that are not JSON, so its result cannot be compared or audited. */
export class FunctionPayloadError extends WorkflowError {
  constructor(message: string, options: KirikaeErrorOptions = {}) {
    super(message, {
      action: "make the function return a JSON value (a Node.js handler's return value is JSON already)",
      ...options,
    });
    this.name = "FunctionPayloadError";
  }
}

const LAMBDA_ARN =
  /^arn:aws[a-z-]*:lambda:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9_$-]+)?$/;

/**
 * AWS Lambda Invoke, RequestResponse, sent to the region named in the function's ARN: Lambda only invokes
 * functions of the region it is called in and answers others with ResourceNotFoundException ("Functions
 * from 'us-east-1' are not reachable in this region"). A function that throws is no failed call: Lambda
 * answers 200 with FunctionError set and the error object as payload (Lambda API reference, Invoke,
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html), and that is what this returns, so the
 * step decides what a failed custom step means. The client's own retries can run a function twice on a
 * throttled or failed call, which the custom step contract allows: functions start work idempotently.
 */
export class LambdaInvoker implements FunctionInvokerPort {
  constructor(private readonly clients: ClientProvider) {}

  async invoke(functionArn: string, payload: unknown): Promise<InvocationResult> {
    const region = LAMBDA_ARN.exec(functionArn)?.[1];
    if (region === undefined) {
      throw new InvalidWorkflowInput(`"${functionArn}" is not a Lambda function ARN`, {
        resource: functionArn,
        action: "give the custom step a function ARN such as arn:aws:lambda:REGION:ACCOUNT:function:NAME",
      });
    }
    const output = await callAws({ action: "lambda:InvokeFunction", resource: functionArn }, () =>
      this.clients
        .forRegion(region)
        .get(LambdaClient)
        .send(
          new InvokeCommand({
            FunctionName: functionArn,
            InvocationType: "RequestResponse",
            Payload: new TextEncoder().encode(JSON.stringify(payload ?? null)),
          }),
        ),
    );
    const requestId = requestIdOf(output);
    const text = output.Payload === undefined ? "" : new TextDecoder().decode(output.Payload);
    // A Node.js handler that returns nothing is sent as `null`: both that and an empty payload are "nothing".
    let parsed: unknown;
    if (text.trim() !== "" && text.trim() !== "null") {
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new FunctionPayloadError(
          `${functionArn} answered with a payload that is not JSON: ${text.slice(0, 200)}`,
          { cause: error, resource: functionArn, requestId },
        );
      }
    }
    return {
      requestId,
      payload: parsed,
      ...(output.FunctionError ? { functionError: output.FunctionError } : {}),
    };
  }
}
