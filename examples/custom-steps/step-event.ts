import { z } from "zod";
import type { CustomStepEvent } from "../../core/blocks/custom-step-contract.js";
import { KirikaeError, type KirikaeErrorOptions } from "../../core/errors.js";

/**
 * The event or its `input` is not what the function needs: a plan mistake, so the function throws and
 * Lambda reports it as FunctionError "Unhandled", which the workflow escalates with this message.
 */
export class CustomStepInputError extends KirikaeError {
  constructor(message: string, options: KirikaeErrorOptions = {}) {
    super(message, { action: "fix the lambda block's input in the plan", ...options });
    this.name = "CustomStepInputError";
  }
}

/** What the function's own API calls answered that it cannot go on from (refused, not understood). */
export class CustomStepApiError extends KirikaeError {
  constructor(message: string, options: KirikaeErrorOptions = {}) {
    super(message, options);
    this.name = "CustomStepApiError";
  }
}

const eventSchema = z.object({
  kirikae: z.literal(1),
  plan: z.string().min(1),
  direction: z.enum(["failover", "failback"]),
  sourceRegion: z.string().min(1),
  targetRegion: z.string().min(1),
  executionId: z.string().min(1),
  step: z.string().min(1),
  attempt: z.number().int().min(1),
  previous: z.record(z.string(), z.unknown()).optional(),
  input: z.record(z.string(), z.unknown()),
});

/** Checks the event kirikae sends (core/blocks/custom-step-contract.ts) and the block's input against `input`. */
export function parseStepEvent<T extends z.ZodType>(
  event: unknown,
  input: T,
): { event: CustomStepEvent; input: z.output<T> } {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    throw new CustomStepInputError(`not a kirikae custom step event: ${problems(parsed.error)}`);
  }
  const parsedInput = input.safeParse(parsed.data.input);
  if (!parsedInput.success) {
    throw new CustomStepInputError(`input of step "${parsed.data.step}": ${problems(parsedInput.error)}`);
  }
  const { previous, ...rest } = parsed.data;
  return {
    event: { ...rest, ...(previous === undefined ? {} : { previous }) },
    input: parsedInput.data,
  };
}

/** A name the same for every call of one step of one execution: what makes starting work idempotent. */
export function stableSuffix(...parts: string[]): string {
  let hash = 0x811c9dc5;
  for (const char of parts.join("\u0000")) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  let second = 0x01000193;
  for (const char of parts.join("\u0001")) second = Math.imul(second ^ char.charCodeAt(0), 0x811c9dc5);
  return ((hash >>> 0).toString(16).padStart(8, "0") + (second >>> 0).toString(16).padStart(8, "0")).slice(
    0,
    10,
  );
}

function problems(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}
