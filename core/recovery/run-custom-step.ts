import { isDeepStrictEqual } from "node:util";
import { auditedAction } from "../audit/audited-action.js";
import type { BlockOf } from "../blocks/block-schemas.js";
import { type CustomStepAnswer, type CustomStepEvent, isPending } from "../blocks/custom-step-contract.js";
import type { FunctionInvokerPort, InvocationResult } from "../ports/function-invoker.js";
import { settled } from "../workflow/polling.js";
import { CustomStepFailed, CustomStepResultMismatch } from "./block-errors.js";
import type { BlockProgress, BlockStepContext } from "./block-step.js";

const DEFAULT_POLL_SECONDS = 15;

export interface CustomStepProgress extends BlockProgress {
  attempt?: number;
  /** The function's last answer: handed back to it while pending, kept as the result once done. */
  answer?: Record<string, unknown>;
}

/**
 * A plan's own Lambda, run like any other step (core/blocks/custom-step-contract.ts):
 *   1. invoke the function of the region being activated, audited with Lambda's request ID
 *   2. an answer "pending": call again after the seconds it asks for, until the block's timeout
 *   3. a thrown error (FunctionError) fails the step; any other answer must hold every field of the
 *      block's expectedResult with the same value, else CustomStepResultMismatch escalates the run and
 *      says which fields differed
 */
export async function runCustomStep(
  context: BlockStepContext<BlockOf<"lambda">>,
  invoker: FunctionInvokerPort,
  previous: CustomStepProgress | undefined,
): Promise<CustomStepProgress> {
  const { block, request } = context;
  const functionArn =
    typeof block.functionArn === "string"
      ? block.functionArn
      : (block.functionArn[request.targetRegion] ?? "");
  const startedAt = previous?.startedAt ?? context.clock.now().toISOString();
  const attempt = (previous?.attempt ?? 0) + 1;
  const event: CustomStepEvent = {
    kirikae: 1,
    plan: context.plan.name,
    direction: request.kind,
    sourceRegion: request.sourceRegion,
    targetRegion: request.targetRegion,
    executionId: context.execution.id,
    step: block.id,
    attempt,
    ...(previous?.answer ? { previous: previous.answer } : {}),
    input: block.input,
  };
  let result: InvocationResult | undefined;
  await auditedAction(
    context,
    {
      action: "lambda:InvokeFunction",
      resource: functionArn,
      region: arnRegion(functionArn),
      details: { block: block.id, attempt },
    },
    async () => {
      result = await invoker.invoke(functionArn, event);
      return { requestId: result.requestId };
    },
  );
  const invocation = result as InvocationResult;
  if (invocation.functionError !== undefined) {
    throw new CustomStepFailed(block.id, `the function raised ${describe(invocation.payload)}`, {
      resource: functionArn,
      requestId: invocation.requestId,
    });
  }
  const answer = asAnswer(invocation.payload);
  if (isPending(answer)) {
    const elapsedSeconds = (context.clock.now().getTime() - new Date(startedAt).getTime()) / 1000;
    if (elapsedSeconds >= block.timeoutSeconds) {
      throw new CustomStepFailed(block.id, `still pending after ${block.timeoutSeconds} s`, {
        resource: functionArn,
        requestId: invocation.requestId,
      });
    }
    return {
      status: "pending",
      startedAt,
      attempt,
      answer,
      pollAfterSeconds: answer.pollAfterSeconds ?? DEFAULT_POLL_SECONDS,
    };
  }
  const mismatches = differences(block.expectedResult ?? {}, answer);
  if (mismatches.length > 0) {
    throw new CustomStepResultMismatch(block.id, mismatches, {
      resource: functionArn,
      requestId: invocation.requestId,
    });
  }
  return settled<CustomStepProgress>({
    status: "done",
    startedAt,
    completedAt: context.clock.now().toISOString(),
    attempt,
    answer,
  });
}

/** Each expected field the answer lacks or holds differently, in words. */
export function differences(expected: Record<string, unknown>, answer: Record<string, unknown>): string[] {
  return Object.entries(expected).flatMap(([field, value]) =>
    isDeepStrictEqual(answer[field], value)
      ? []
      : [
          `${field}: expected ${JSON.stringify(value)}, got ${field in answer ? JSON.stringify(answer[field]) : "nothing"}`,
        ],
  );
}

function asAnswer(payload: unknown): CustomStepAnswer {
  if (payload !== null && typeof payload === "object" && !Array.isArray(payload)) {
    return payload as CustomStepAnswer;
  }
  return { value: payload };
}

function describe(payload: unknown): string {
  const error = payload as { errorType?: unknown; errorMessage?: unknown } | undefined;
  if (error && typeof error.errorMessage === "string") {
    return `${typeof error.errorType === "string" ? error.errorType : "an error"}: ${error.errorMessage}`;
  }
  return JSON.stringify(payload);
}

function arnRegion(arn: string): string {
  return arn.split(":")[3] ?? "";
}
