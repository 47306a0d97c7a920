import * as pulumi from "@pulumi/pulumi";
import type { Plan } from "../../../core/plan/schema.js";
import type { BundledHandler } from "../../../infra/bundling.js";
import type { ControlPlaneArgs } from "../../../infra/control-plane.js";

export const ACCOUNT = "111122223333";
export const STAGE = "test";

/** A resource as the deploy would have registered it: its type, logical name, region and resolved inputs. */
export interface Registered {
  type: string;
  name: string;
  region: string;
  inputs: Record<string, unknown>;
  /** The ARN the mock gave it, shaped as AWS shapes it. */
  arn: string;
  /** The ID the mock gave it: what other resources receive for `resource.id`. */
  id: string;
  /** Inputs a later deploy must leave as they are (the resource option `ignoreChanges`). */
  ignoreChanges: string[];
  /** A function's package, file by file. */
  packageFiles?: Record<string, string>;
}

export interface MockDeploy {
  resources: Registered[];
  outputs: unknown;
  /** Handlers the (fake) bundler was asked for. */
  bundled: string[];
  ofType(type: string): Registered[];
  one(type: string, predicate: (resource: Registered) => boolean): Registered;
}

export const FUNCTION = "aws:lambda/function:Function";
export const ROLE = "aws:iam/role:Role";
export const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const TABLE = "aws:dynamodb/table:Table";
export const STATE_MACHINE = "aws:sfn/stateMachine:StateMachine";
export const EVENT_RULE = "aws:cloudwatch/eventRule:EventRule";
export const EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget";
export const PERMISSION = "aws:lambda/permission:Permission";
export const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
export const QUEUE = "aws:sqs/queue:Queue";
export const EVENT_INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";
export const BUCKET = "aws:s3/bucket:Bucket";
export const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
export const BUCKET_PUBLIC_ACCESS = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
export const BUCKET_OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2";
export const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
export const DNS_RECORD = "aws:route53/record:Record";
export const ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry";
export const ACCESS_POLICY = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";

/** A bundler that bundles nothing: infra is evaluated without touching a handler file. */
export function fakeBundler(calls: string[]) {
  return async (handler: string): Promise<BundledHandler> => {
    calls.push(handler);
    return { files: { "index.mjs": `// bundle of ${handler}` }, handler: "index.handler" };
  };
}

/** Evaluates the control plane for `plans` under Pulumi's mocks. */
export async function mockDeploy(
  plans: readonly Plan[],
  overrides: Partial<ControlPlaneArgs> = {},
): Promise<MockDeploy> {
  const bundled: string[] = [];
  return underMocks(async () => {
    const { controlPlane } = await import("../../../infra/control-plane.js");
    return controlPlane({
      stage: STAGE,
      plans,
      homeRegion: plans[0]?.activeRegion ?? "us-east-1",
      bundler: fakeBundler(bundled),
      ...overrides,
    });
  }, bundled);
}

/**
 * Runs a Pulumi program under the mocks: no engine, no credentials, no network. Every resource is recorded
 * with the region of its provider and an ARN shaped like AWS's; resolves once all are registered.
 */
export async function underMocks(
  program: () => Promise<unknown>,
  bundled: string[] = [],
): Promise<MockDeploy> {
  const resources: Registered[] = [];
  const providerRegions = new Map<string, string>();
  const ignoredChanges = new Map<string, string[]>();
  await pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        if (args.type === "pulumi:providers:aws") {
          providerRegions.set(args.name, String(args.inputs.region));
          return { id: `${args.name}-id`, state: args.inputs };
        }
        const providerName = (args.provider ?? "").split("::").at(-2) ?? "";
        const region = providerRegions.get(providerName) ?? "(default provider)";
        const arn = arnOf(args.type, region, args.inputs);
        const id = String(args.inputs.name ?? args.name);
        const packageFiles = await filesOf(args.inputs.code);
        resources.push({
          type: args.type,
          name: args.name,
          region,
          inputs: args.inputs,
          arn,
          id,
          ignoreChanges: ignoredChanges.get(`${args.type}::${args.name}`) ?? [],
          ...(packageFiles ? { packageFiles } : {}),
        });
        return { id, state: { ...args.inputs, arn } };
      },
      call: (args) => {
        if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
          return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/deployer`, userId: "DEPLOYER" };
        }
        if (args.token === "aws:index/getRegion:getRegion") {
          return { region: "ap-northeast-1", name: "ap-northeast-1", id: "ap-northeast-1" };
        }
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    "kirikae",
    STAGE,
    false,
  );
  recordIgnoredChanges(ignoredChanges);
  const outputs = await program();
  const resolved = await new Promise((resolve) => pulumi.output(outputs as object).apply(resolve));
  await pulumi.runtime.disconnect();
  const ofType = (type: string) => resources.filter((resource) => resource.type === type);
  return {
    resources,
    outputs: resolved,
    bundled,
    ofType,
    one: (type, predicate) => {
      const found = ofType(type).filter(predicate);
      if (found.length !== 1) throw new Error(`expected one ${type} to match, found ${found.length}`);
      return found[0] as Registered;
    },
  };
}

/**
 * The mocks' newResource sees a resource's inputs, not its options; `ignoreChanges` travels beside them in
 * the request the SDK sends the (mock) engine, so it is read there, keyed by type and logical name.
 */
function recordIgnoredChanges(into: Map<string, string[]>): void {
  type Request = { getType(): string; getName(): string; getIgnorechangesList(): string[] };
  const monitor = pulumi.runtime.getMonitor() as unknown as
    | { registerResource(request: Request, callback: unknown): unknown }
    | undefined;
  if (!monitor) throw new Error("no mock monitor: call setMocks first");
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    into.set(`${request.getType()}::${request.getName()}`, request.getIgnorechangesList());
    return register(request, callback);
  };
}

function arnOf(type: string, region: string, inputs: Record<string, unknown>): string {
  const name = String(inputs.name ?? "");
  switch (type) {
    case FUNCTION:
      return `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`;
    case STATE_MACHINE:
      return `arn:aws:states:${region}:${ACCOUNT}:stateMachine:${name}`;
    case "aws:sns/topic:Topic":
      return `arn:aws:sns:${region}:${ACCOUNT}:${name}`;
    case TABLE:
      return `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${name}`;
    case ROLE:
      return `arn:aws:iam::${ACCOUNT}:role/${name}`;
    case EVENT_RULE:
      return `arn:aws:events:${region}:${ACCOUNT}:rule/${name}`;
    case "aws:cloudwatch/logGroup:LogGroup":
      return `arn:aws:logs:${region}:${ACCOUNT}:log-group:${name}`;
    case METRIC_ALARM:
      return `arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:${name}`;
    case QUEUE:
      return `arn:aws:sqs:${region}:${ACCOUNT}:${name}`;
    case BUCKET:
      return `arn:aws:s3:::${String(inputs.bucket ?? "")}`;
    default:
      return `arn:mock:${type}:${name}`;
  }
}

/** Under the mocks an archive arrives with its assets and their text still as promises. */
async function filesOf(code: unknown): Promise<Record<string, string> | undefined> {
  if (typeof code !== "object" || code === null || !("assets" in code)) return undefined;
  const assets = (await (code as { assets: unknown }).assets) as Record<string, { text?: unknown }>;
  const files: Record<string, string> = {};
  for (const [file, asset] of Object.entries(assets)) files[file] = String(await asset.text);
  return files;
}
