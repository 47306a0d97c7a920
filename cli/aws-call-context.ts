import type { MiddlewareStack } from "@smithy/types";

/** Which AWS call failed, where: what an SDK error lacks and a person needs to act on it. */
export interface AwsCall {
  /** The IAM action, e.g. "states:StartExecution". */
  action: string;
  region?: string;
  /** The table, state machine, execution or function the call named, when its input names one. */
  resource?: string;
}

/** An SDK client as far as this module needs it. */
interface SdkClient {
  middlewareStack: Pick<MiddlewareStack<object, object>, "add">;
  config: { region?: unknown };
}

const calls = new WeakMap<object, AwsCall>();

/**
 * IAM's service prefix per SDK client (the `clientName` the SDK puts in each call's context); anything
 * else gets its client name lowercased, which is right for most services.
 */
const SERVICE_PREFIX: Record<string, string> = {
  SFNClient: "states",
  EventBridgeClient: "events",
  Route53Client: "route53",
  Route53RecoveryClusterClient: "route53-recovery-cluster",
  AutoScalingClient: "autoscaling",
};

/** The input fields that name what a call is about, most specific first. */
const RESOURCE_FIELDS = ["executionArn", "stateMachineArn", "TableName", "FunctionName", "Bucket", "KeyId"];

/**
 * Makes `client` remember, for every error it throws, which call failed in which region on which
 * resource. DynamoDB answers a missing table with "Requested resource not found", and a network error
 * names an IP address: with this the CLI can say "no table kirikae-prod-state in ap-northeast-1".
 * Installed under one name, so doing it twice on a shared client replaces rather than stacks it.
 * `asked.region` is the region the command meant the client for, when it is known.
 */
export function recordingCalls<T extends SdkClient>(client: T, asked: { region?: string } = {}): T {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (error !== null && typeof error === "object" && !calls.has(error)) {
          const { clientName = "", commandName = "" } = context as {
            clientName?: string;
            commandName?: string;
          };
          // The region the command asked for: a client shared between regions (the sandbox's one local
          // DynamoDB) carries its own, which is not where the person looked.
          const region = asked.region ?? (await regionOf(client));
          const resource = resourceOf((args as { input?: unknown }).input);
          calls.set(error, {
            action: `${SERVICE_PREFIX[clientName] ?? clientName.replace(/Client$/, "").toLowerCase()}:${commandName.replace(/Command$/, "")}`,
            ...(region ? { region } : {}),
            ...(resource ? { resource } : {}),
          });
        }
        throw error;
      }
    },
    { step: "initialize", name: "kirikaeAwsCallContext", override: true },
  );
  return client;
}

/** The call an error, or an error in its `cause` chain, came from. */
export function awsCallOf(error: unknown): AwsCall | undefined {
  const seen = new Set<unknown>();
  let current = error;
  while (current !== null && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const call = calls.get(current);
    if (call) return call;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

async function regionOf(client: SdkClient): Promise<string | undefined> {
  try {
    const region = client.config.region;
    const value = typeof region === "function" ? await (region as () => unknown)() : region;
    return typeof value === "string" ? value : undefined;
  } catch {
    // No region is itself the failure being reported; the error says so without it.
    return undefined;
  }
}

function resourceOf(input: unknown): string | undefined {
  if (input === null || typeof input !== "object") return undefined;
  for (const field of RESOURCE_FIELDS) {
    const value = (input as Record<string, unknown>)[field];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}
