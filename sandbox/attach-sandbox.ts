import type { HandlerExecutionContext, InitializeHandlerArguments, MiddlewareStack } from "@smithy/types";
import type { SandboxEstate } from "./estate.js";
import type { ServiceName } from "./service-model.js";

export interface SandboxBinding {
  estate: SandboxEstate;
  service: ServiceName;
  region: string;
  /** The IAM principal the client's calls are made as; what CloudTrail records as the caller. */
  principal: string;
}

/**
 * Places the sandbox behind a real SDK v3 client: a middleware at the very start of the stack answers
 * each command from the estate, so commands, inputs, outputs and exception classes are the SDK's own and
 * the production code using the client cannot tell the difference.
 */
// biome-ignore lint/suspicious/noExplicitAny: every SDK client's stack has its own input and output unions
export function attachSandbox<C extends { middlewareStack: MiddlewareStack<any, any> }>(
  client: C,
  binding: SandboxBinding,
): C {
  client.middlewareStack.add(
    (_next: unknown, context: HandlerExecutionContext) =>
      async (args: InitializeHandlerArguments<object>) => {
        const operation = String(context.commandName ?? "").replace(/Command$/, "");
        const output = await binding.estate.invoke(
          binding.service,
          binding.region,
          operation,
          (args.input ?? {}) as Record<string, unknown>,
          binding.principal,
        );
        return { output, response: {} } as never;
      },
    { step: "initialize", name: "kirikaeSandbox", priority: "high" },
  );
  return client;
}
