import type { InitializeMiddleware, MiddlewareStack } from "@smithy/types";
import { type SandboxEstate, serviceError, throttlingErrorName } from "./estate.js";
import type { SandboxCall } from "./service-model.js";
import { type BucketSpec, TokenBucket } from "./token-bucket.js";
import type { VirtualClock } from "./virtual-clock.js";

/**
 * The quotas an AWS account shares in a region, whatever application's plan makes the call: in a region
 * outage every plan active there fails over at once, and they all draw on these together.
 */
export interface AccountLimits {
  /**
   * Step Functions StartExecution (Standard). Step Functions developer guide, "Step Functions service
   * quotas", quotas related to API action throttling (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html):
   * a token bucket per account and region, 1,300 tokens refilled at 300 a second in us-east-1, us-west-2
   * and eu-west-1, 800 refilled at 150 a second in the other regions. Unset: that table, by region.
   */
  startExecution?: BucketSpec;
  /**
   * Every RDS API call. RDS user guide, "Request throttling for the Amazon RDS API"
   * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-api-throttling.html): per account and
   * region, a token bucket allowing "up to 300 requests in a burst and a sustained 12 requests per second";
   * beyond it, ThrottlingException "Rate exceeded". Aurora uses the RDS API, so the same limits apply.
   */
  rdsApi: BucketSpec;
  /**
   * Every EKS API call. EKS publishes no request rate for its API (its service quotas list resource
   * counts; the EKS API reference lists ThrottlingException, "a service is throttling requests"), so the
   * default is an assumption in the RDS page's shape, sized well above what a failover fleet sends: set
   * it from an account's own throttling if it has any.
   */
  eksApi: BucketSpec;
  /**
   * CloudTrail LookupEvents. CloudTrail API reference, LookupEvents
   * (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html): "The rate of
   * lookup requests is limited to two per second, per account, per Region. If this limit is exceeded, a
   * throttling error occurs."
   */
  lookupEvents: BucketSpec;
  /**
   * Lambda concurrent executions per account and region. Lambda developer guide, "Lambda quotas"
   * (https://docs.aws.amazon.com/lambda/latest/dg/limits.html): 1,000 by default ("New AWS accounts have
   * reduced concurrency"). An invocation beyond it is throttled: TooManyRequestsException, "Rate Exceeded."
   */
  lambdaConcurrentExecutions: number;
  /**
   * Each on-demand DynamoDB table's throughput, in request units a second. DynamoDB developer guide,
   * "Quotas in Amazon DynamoDB" (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html):
   * 40,000 read and 40,000 write request units per on-demand table; a newly created on-demand table "can
   * immediately drive up to 4,000 write request units or 12,000 read request units" (on-demand initial
   * throughput), which is what a freshly deployed control plane has, so those are the defaults.
   */
  dynamoDbTable: { readUnitsPerSecond: number; writeUnitsPerSecond: number };
}

export const DEFAULT_ACCOUNT_LIMITS: AccountLimits = {
  rdsApi: { burst: 300, refillPerSecond: 12 },
  eksApi: { burst: 100, refillPerSecond: 10 },
  lookupEvents: { burst: 2, refillPerSecond: 2 },
  lambdaConcurrentExecutions: 1_000,
  dynamoDbTable: { readUnitsPerSecond: 12_000, writeUnitsPerSecond: 4_000 },
};

/** The regions Step Functions gives the larger StartExecution bucket (service quotas page, as above). */
const LARGE_SFN_REGIONS = new Set(["us-east-1", "us-west-2", "eu-west-1"]);

export function defaultStartExecution(region: string): BucketSpec {
  return LARGE_SFN_REGIONS.has(region)
    ? { burst: 1_300, refillPerSecond: 300 }
    : { burst: 800, refillPerSecond: 150 };
}

/** The SDK's standard retry mode, as the sandbox replays it on the virtual clock (attach-sandbox.ts). */
const SDK_MAX_ATTEMPTS = 3;
const THROTTLING_BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 20_000;

/** A DynamoDB request's units: one per item written or read; transactions cost two (DynamoDB pricing). */
const dynamoDbUnits: Record<string, { kind: "read" | "write"; perItem: number }> = {
  GetItem: { kind: "read", perItem: 1 },
  Query: { kind: "read", perItem: 1 },
  Scan: { kind: "read", perItem: 1 },
  BatchGetItem: { kind: "read", perItem: 1 },
  TransactGetItems: { kind: "read", perItem: 2 },
  PutItem: { kind: "write", perItem: 1 },
  UpdateItem: { kind: "write", perItem: 1 },
  DeleteItem: { kind: "write", perItem: 1 },
  BatchWriteItem: { kind: "write", perItem: 1 },
  TransactWriteItems: { kind: "write", perItem: 2 },
};

/**
 * Holds every call of one sandbox to the quotas its account shares per region: a token bucket per
 * account, region and quota, and a count of concurrent Lambda executions. A call beyond them is refused
 * as AWS refuses it, in AWS's words, and counted; kirikae's own retries (the SDK's, the state machines'
 * Retry, Lambda's for asynchronous events) then back off on the virtual clock.
 */
export class AccountLimiter {
  readonly limits: AccountLimits;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly running = new Map<string, number>();
  private readonly counts: Record<string, number> = {};
  private peak = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly random: () => number,
    limits: Partial<AccountLimits> = {},
  ) {
    this.limits = { ...DEFAULT_ACCOUNT_LIMITS, ...limits };
  }

  /** Puts the limiter in front of every call the estate answers. */
  attach(estate: SandboxEstate): void {
    estate.limitWith((call) => this.admit(call));
  }

  /** Calls refused, by API ("sfn:StartExecution", "lambda:Invoke", "dynamodb:PutItem", ...). */
  throttled(): Record<string, number> {
    return { ...this.counts };
  }

  /** The most Lambda executions that ran at once in any account and region. */
  peakLambdaConcurrency(): number {
    return this.peak;
  }

  /** Admits one SDK call or throws the service's throttling error; an Invoke holds a slot until answered. */
  admit(call: SandboxCall): (() => void) | undefined {
    const account = accountOfPrincipal(call.principal);
    const spec = this.bucketSpec(call);
    if (spec && !this.take(`${account}:${call.region}:${call.service}:${spec.name}`, spec.bucket)) {
      this.count(`${call.service}:${call.operation}`);
      throw serviceError(call, throttlingErrorName(call.service), "Rate exceeded", 400);
    }
    if (call.service === "lambda" && call.operation === "Invoke") {
      const release = this.acquireLambda(account, call.region);
      if (!release) {
        this.count("lambda:Invoke");
        throw Object.assign(serviceError(call, "TooManyRequestsException", "Rate Exceeded.", 429), {
          Reason: "ConcurrentInvocationLimitExceeded",
        });
      }
      return release;
    }
    return undefined;
  }

  /**
   * A slot among the account's concurrent Lambda executions in a region, or undefined when none is free
   * (the caller counts and retries as Lambda would). The returned function frees the slot.
   */
  acquireLambda(account: string, region: string): (() => void) | undefined {
    const key = `${account}:${region}`;
    const now = this.running.get(key) ?? 0;
    if (now >= this.limits.lambdaConcurrentExecutions) return undefined;
    this.running.set(key, now + 1);
    this.peak = Math.max(this.peak, now + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running.set(key, (this.running.get(key) ?? 1) - 1);
    };
  }

  /** Counts a throttled request the caller handled itself (an asynchronous event Lambda queued again). */
  count(api: string): void {
    this.counts[api] = (this.counts[api] ?? 0) + 1;
  }

  /**
   * Holds a real DynamoDB client (the control plane's tables, in a local DynamoDB) to each table's
   * on-demand throughput. A request beyond it is refused with RequestLimitExceeded, "Throughput exceeds
   * the current throughput quota for your account." and a TableWriteAccountLimitExceeded (or Read) reason
   * (DynamoDB API reference, ThrottlingReason; botocore's RequestLimitExceeded), and retried as the SDK's
   * standard mode does, with its pauses on the virtual clock rather than the wall clock.
   */
  limitDynamoDb(
    // biome-ignore lint/suspicious/noExplicitAny: any SDK client's stack
    client: { middlewareStack: MiddlewareStack<any, any> },
    account: string,
    region: string,
  ): void {
    // biome-ignore lint/suspicious/noExplicitAny: any SDK client's input and output
    const limit: InitializeMiddleware<any, any> = (next, context) => async (args) => {
      const operation = String(context.commandName ?? "").replace(/Command$/, "");
      const cost = dynamoDbUnits[operation];
      if (!cost) return next(args);
      const tables = tablesOf(args.input as Record<string, unknown>);
      for (let attempt = 1; ; attempt++) {
        const refused = tables.find(
          ([table, items]) =>
            !this.take(
              `${account}:${region}:dynamodb:${cost.kind}:${table}`,
              this.tableBucket(cost.kind),
              items * cost.perItem,
            ),
        );
        if (!refused) return next(args);
        this.count(`dynamodb:${operation}`);
        if (attempt >= SDK_MAX_ATTEMPTS)
          throw dynamoDbThrottled(cost.kind, region, account, refused[0], attempt);
        await this.clock.sleep(
          this.random() * Math.min(MAX_DELAY_MS, THROTTLING_BASE_DELAY_MS * 2 ** (attempt - 1)),
        );
      }
    };
    client.middlewareStack.add(limit, { step: "initialize", name: "kirikaeAccountLimits", priority: "high" });
  }

  private bucketSpec(call: SandboxCall): { name: string; bucket: BucketSpec } | undefined {
    if (call.service === "sfn" && call.operation === "StartExecution") {
      return {
        name: "StartExecution",
        bucket: this.limits.startExecution ?? defaultStartExecution(call.region),
      };
    }
    if (call.service === "rds") return { name: "api", bucket: this.limits.rdsApi };
    if (call.service === "eks") return { name: "api", bucket: this.limits.eksApi };
    if (call.service === "cloudtrail" && call.operation === "LookupEvents") {
      return { name: "LookupEvents", bucket: this.limits.lookupEvents };
    }
    return undefined;
  }

  private tableBucket(kind: "read" | "write"): BucketSpec {
    const perSecond =
      kind === "read"
        ? this.limits.dynamoDbTable.readUnitsPerSecond
        : this.limits.dynamoDbTable.writeUnitsPerSecond;
    return { burst: perSecond, refillPerSecond: perSecond };
  }

  private take(key: string, spec: BucketSpec, count = 1): boolean {
    const now = this.clock.now().getTime();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(spec, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now, count);
  }
}

/** DynamoDB's refusal of an on-demand table's request beyond its throughput, as the SDK surfaces it. */
function dynamoDbThrottled(
  kind: "read" | "write",
  region: string,
  account: string,
  table: string,
  attempts: number,
): Error {
  return Object.assign(new Error("Throughput exceeds the current throughput quota for your account."), {
    name: "RequestLimitExceeded",
    $fault: "client",
    $metadata: { httpStatusCode: 400, attempts, totalRetryDelay: 0 },
    ThrottlingReasons: [
      {
        reason: kind === "write" ? "TableWriteAccountLimitExceeded" : "TableReadAccountLimitExceeded",
        resource: `arn:aws:dynamodb:${region}:${account}:table/${table}`,
      },
    ],
  });
}

/** The account of an IAM principal's ARN (arn:aws:sts::ACCOUNT:assumed-role/..., arn:aws:iam::ACCOUNT:user/...). */
export function accountOfPrincipal(principal: string): string {
  return principal.split(":")[4] || "unknown";
}

/** The tables a DynamoDB request touches, each with how many of its items. */
function tablesOf(input: Record<string, unknown>): Array<[string, number]> {
  if (typeof input.TableName === "string") return [[input.TableName, 1]];
  const counts = new Map<string, number>();
  const add = (table: unknown, items = 1) => {
    if (typeof table === "string") counts.set(table, (counts.get(table) ?? 0) + items);
  };
  for (const item of (input.TransactItems as Array<Record<string, { TableName?: unknown }>> | undefined) ??
    []) {
    for (const action of Object.values(item)) add(action.TableName);
  }
  for (const [table, requests] of Object.entries((input.RequestItems as Record<string, unknown>) ?? {})) {
    add(table, Array.isArray(requests) ? requests.length : 1);
  }
  return [...counts];
}
