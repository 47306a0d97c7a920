import { InvokeCommand, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { describe, expect, it } from "vitest";
import { LambdaInvoker } from "../../adapters/aws/lambda-invoker.js";
import type { ClientProvider } from "../../adapters/aws/region-clients.js";
import {
  AwsCallError,
  InvalidWorkflowInput,
  TransientAwsError,
} from "../../core/workflow/workflow-errors.js";
import { CloudTrailModel } from "../../sandbox/services/cloudtrail-model.js";
import { LambdaModel } from "../../sandbox/services/lambda-model.js";
import { ACCOUNT, estateWith, SINGAPORE, TOKYO } from "../support/sandbox-fixtures.js";

const RESTORE = `arn:aws:lambda:${SINGAPORE}:${ACCOUNT}:function:restore-orders`;
const TOKYO_RESTORE = `arn:aws:lambda:${TOKYO}:${ACCOUNT}:function:restore-orders`;

function estate() {
  let model: LambdaModel | undefined;
  const built = estateWith((sandbox) => {
    model = new LambdaModel(sandbox);
    return [model, new CloudTrailModel(sandbox, { deliveryDelayMs: 0 })];
  });
  if (!model) throw new Error("no model");
  const provider: ClientProvider = {
    forRegion: (region) => built.clients(region),
    probe: (region) => built.clients(region),
    recoveryCluster: () => {
      throw new Error("not used");
    },
  };
  return { ...built, model, invoker: new LambdaInvoker(provider) };
}

describe("Lambda invoker against the sandbox, through the real Lambda client", () => {
  it("runs the function registered under the ARN with the payload as its event and parses its JSON answer", async () => {
    const { model, invoker } = estate();
    model.register(RESTORE, async (event) => ({ restored: true, echo: event }));

    const result = await invoker.invoke(RESTORE, { attempt: 1, input: { namespace: "orders" } });

    expect(result).toEqual({
      requestId: expect.stringMatching(/\S/),
      payload: { restored: true, echo: { attempt: 1, input: { namespace: "orders" } } },
    });
    expect(model.invocations(RESTORE)).toHaveLength(1);
  });

  it("answers a function that throws with FunctionError Unhandled and the error object, not a failed call", async () => {
    const { model, invoker } = estate();
    model.register(RESTORE, async () => {
      throw new RangeError("backup nightly-0412 not found");
    });

    const result = await invoker.invoke(RESTORE, {});

    expect(result.functionError).toBe("Unhandled");
    expect(result.payload).toMatchObject({
      errorType: "RangeError",
      errorMessage: "backup nightly-0412 not found",
      trace: expect.any(Array),
    });
  });

  it("stops waiting for a function at its timeout, on the virtual clock, with Lambda's Sandbox.Timedout", async () => {
    const { estate: sandbox, model, invoker } = estate();
    model.register(RESTORE, () => new Promise(() => undefined), { timeoutMs: 30_000 });
    const started = sandbox.clock.now().getTime();

    const result = await invoker.invoke(RESTORE, {});

    expect(result.functionError).toBe("Unhandled");
    expect(result.payload).toMatchObject({
      errorType: "Sandbox.Timedout",
      errorMessage: expect.stringContaining("Task timed out after 30.00 seconds"),
    });
    expect(sandbox.clock.now().getTime() - started).toBeGreaterThanOrEqual(30_000);
  });

  it("reads a function that returns nothing (sent as JSON null) as an undefined payload", async () => {
    const { model, invoker } = estate();
    model.register(RESTORE, async () => undefined);

    const result = await invoker.invoke(RESTORE, {});

    expect(result.payload).toBeUndefined();
    expect(result.functionError).toBeUndefined();
  });

  it("invokes in the region of the function's ARN, where the function lives", async () => {
    const { estate: sandbox, model, invoker } = estate();
    model.register(TOKYO_RESTORE, async () => ({ region: "tokyo" }));
    model.register(RESTORE, async () => ({ region: "singapore" }));

    const tokyo = await invoker.invoke(TOKYO_RESTORE, {});
    const singapore = await invoker.invoke(RESTORE, {});

    expect([tokyo.payload, singapore.payload]).toEqual([{ region: "tokyo" }, { region: "singapore" }]);
    expect(sandbox.calls.map((call) => call.region)).toEqual([TOKYO, SINGAPORE]);
  });

  it("refuses another region's function as Lambda does: not reachable in this region", async () => {
    const { clients, model } = estate();
    model.register(TOKYO_RESTORE, async () => ({}));

    const attempt = clients(SINGAPORE).lambda.send(new InvokeCommand({ FunctionName: TOKYO_RESTORE }));

    await expect(attempt).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(attempt).rejects.toMatchObject({
      message: `Functions from '${TOKYO}' are not reachable in this region ('${SINGAPORE}')`,
    });
  });

  it("turns a function that does not exist into a typed error naming it and the request ID", async () => {
    const { invoker } = estate();

    const attempt = invoker.invoke(RESTORE, {});

    await expect(attempt).rejects.toBeInstanceOf(AwsCallError);
    await expect(attempt).rejects.toMatchObject({
      awsErrorName: "ResourceNotFoundException",
      resource: RESTORE,
      requestId: expect.stringMatching(/\S/),
    });
  });

  it("refuses something that is not a function ARN before calling anything", async () => {
    const { estate: sandbox, invoker } = estate();

    await expect(invoker.invoke("restore-orders", {})).rejects.toBeInstanceOf(InvalidWorkflowInput);
    expect(sandbox.calls).toEqual([]);
  });

  it("gets no answer from a function whose region is down: the transient error the workflow retries", async () => {
    const { estate: sandbox, model, invoker } = estate();
    let ran = 0;
    model.register(RESTORE, async () => {
      ran += 1;
      return {};
    });
    sandbox.addFault({ kind: "region-down", region: SINGAPORE });

    await expect(invoker.invoke(RESTORE, {})).rejects.toBeInstanceOf(TransientAwsError);
    expect(ran).toBe(0);
  });

  it("retries Lambda's TooManyRequestsException, then runs the function once", async () => {
    const { estate: sandbox, model, invoker } = estate();
    let ran = 0;
    model.register(RESTORE, async () => {
      ran += 1;
      return { ran };
    });
    sandbox.addFault({ kind: "fail", operation: "Invoke", times: 1, error: "TooManyRequestsException" });

    const result = await invoker.invoke(RESTORE, {});

    expect(result.payload).toEqual({ ran: 1 });
    expect(ran).toBe(1);
  });

  it("leaves Invoke out of CloudTrail's management events: it is a data event LookupEvents never returns", async () => {
    const { estate: sandbox, model, invoker } = estate();
    model.register(RESTORE, async () => ({}));

    await invoker.invoke(RESTORE, {});

    expect(sandbox.model<CloudTrailModel>("cloudtrail").events(SINGAPORE)).toEqual([]);
    expect(sandbox.calls).toMatchObject([{ service: "lambda", operation: "Invoke", mutating: false }]);
  });
});
