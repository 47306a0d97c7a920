import type { HandlerExecutionContext, InitializeHandlerArguments, MiddlewareStack } from "@smithy/types";
import type { SandboxEstate } from "./estate.js";
import type { ServiceName } from "./service-model.js";

export interface SandboxBinding {
  estate: SandboxEstate;
  service: ServiceName;
  region: string;
  /** The IAM principal the client's calls are made as; what CloudTrail records as the caller. */
  principal: string;
  /** The client's request timeout, honoured on the virtual clock when an endpoint does not answer. */
  timeoutMs?: number;
  /** The client's maxAttempts: the SDK's standard retry strategy, replayed on the virtual clock. */
  maxAttempts?: number;
}

/** The SDK's standard retry mode: 3 attempts, exponential backoff with full jitter, capped at 20 s. */
const DEFAULT_MAX_ATTEMPTS = 3;
const BASE_DELAY_MS = 100;
const THROTTLING_BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 20_000;
const throttlingNames = new Set([
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "PriorRequestNotComplete",
]);

/**
 * Places the sandbox behind a real SDK v3 client: a middleware at the very start of the stack answers
 * each command from the estate, so commands, inputs, outputs and exception classes are the SDK's own and
 * the production code using the client cannot tell the difference. Answering this early skips the SDK's
 * own retry middleware, whose pauses are wall-clock time, so its standard strategy is replayed here on
 * the virtual clock instead: production clients retry throttling three times, and so do these.
 */
// biome-ignore lint/suspicious/noExplicitAny: every SDK client's stack has its own input and output unions
export function attachSandbox<C extends { middlewareStack: MiddlewareStack<any, any> }>(
  client: C,
  binding: SandboxBinding,
): C {
  const { estate } = binding;
  const maxAttempts = binding.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  client.middlewareStack.add(
    (_next: unknown, context: HandlerExecutionContext) =>
      async (args: InitializeHandlerArguments<object>) => {
        const operation = String(context.commandName ?? "").replace(/Command$/, "");
        for (let attempt = 1; ; attempt++) {
          try {
            const output = await estate.invoke(
              binding.service,
              binding.region,
              operation,
              (args.input ?? {}) as Record<string, unknown>,
              binding.principal,
              binding.timeoutMs === undefined ? {} : { timeoutMs: binding.timeoutMs },
            );
            (output.$metadata as { attempts: number }).attempts = attempt;
            return { output, response: {} } as never;
          } catch (error) {
            if (attempt >= maxAttempts || !isRetryable(error)) throw error;
            const base = throttlingNames.has((error as Error).name)
              ? THROTTLING_BASE_DELAY_MS
              : BASE_DELAY_MS;
            await estate.clock.sleep(estate.random() * Math.min(MAX_DELAY_MS, base * 2 ** (attempt - 1)));
          }
        }
      },
    { step: "initialize", name: "kirikaeSandbox", priority: "high" },
  );
  return client;
}

function isRetryable(error: unknown): boolean {
  const shape = error as { name?: string; $fault?: string };
  return throttlingNames.has(shape.name ?? "") || shape.$fault === "server" || shape.name === "TimeoutError";
}
