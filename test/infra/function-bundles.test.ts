import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { type BundleContents, bundleContents } from "../../bench/bundle-contents.js";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import type { Capability } from "../../infra/access.js";
import { esbuildBundler } from "../../infra/esbuild-bundler.js";
import { allFunctions } from "../../infra/function-catalog.js";
import { accessOf, type GrantScope } from "../../infra/grants.js";
import { taskFunction } from "../../steps/registry.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Every function in one esbuild run: about 12 s on two cores. */
const BUNDLING_MS = 120_000;

/**
 * The SDK package each capability's code calls (infra/access.ts says which adapter that is). Listed here
 * rather than read from a capability's IAM statements, because those depend on the plans: a gated plan's
 * traffic.gates names S3, CloudWatch or ARC by its gate kind, while the function's code, which serves any
 * plan, bundles all three. Typed by Capability, so a new capability does not compile until it is placed.
 */
const SDK_OF_CAPABILITY: Record<Capability, readonly string[]> = {
  "state.read": ["dynamodb"],
  "state.update": ["dynamodb"],
  "audit.append": ["dynamodb"],
  "audit.query": ["dynamodb"],
  notify: ["sns"],
  "alarms.describe": ["cloudwatch"],
  // Lambda's on-failure destination sends to the queue with the function's role; its code never does.
  "detector.dead-letter": [],
  "detector.dead-letter-drain": ["sqs"],
  "alarms.routes": ["eventbridge"],
  "workflows.start-failover": ["sfn"],
  "database.describe": ["rds"],
  "database.probe": ["rds"],
  "database.lag": ["cloudwatch"],
  "database.promote": ["rds"],
  "compute.clusters": ["eks"],
  "compute.nodegroups": ["eks"],
  "compute.scale": ["eks"],
  "compute.fence": ["eks"],
  "dns.records": ["route-53"],
  "dns.change": ["route-53"],
  "dns.health": ["route-53"],
  "dns.gate-health-checks": ["route-53"],
  "traffic.gates": ["s3", "cloudwatch", "route53-recovery-cluster"],
  "evidence.lookup": ["cloudtrail"],
  "readiness.metric": ["cloudwatch"],
  "digests.write": ["kms", "s3"],
  "reports.write": ["s3"],
  "capacity.describe": ["auto-scaling", "ecs"],
};

/** A kind of block's own statements (steps/*.ts) name their service by the IAM prefix of each action. */
const SDK_OF_IAM_SERVICE: Record<string, string> = {
  autoscaling: "auto-scaling",
  ecs: "ecs",
  lambda: "lambda",
};

/** The example with a block of every kind that brings its own statements (Auto Scaling, ECS, Lambda). */
const BLOCKS_PLAN = join(root, "examples", "tokyo-osaka-blocks.plan.json");

/** What a function's grants say it calls: its capabilities' services, then its kind's own statements'. */
function grantedSdkClients(key: string, scope: GrantScope): string[] {
  const services = new Set(accessOf(key).flatMap((capability) => SDK_OF_CAPABILITY[capability]));
  for (const statement of taskFunction(key)?.statements?.(scope) ?? []) {
    for (const action of statement.Action) {
      const prefix = action.split(":")[0] ?? "";
      const service = SDK_OF_IAM_SERVICE[prefix];
      if (service === undefined) throw new Error(`${key}: no SDK package known for IAM action ${action}`);
      services.add(service);
    }
  }
  return [...services].map((service) => `@aws-sdk/client-${service}`).sort();
}

const functions = allFunctions();
let bundles: Map<string, (BundleContents & { text: string }) | undefined>;
let scope: GrantScope;

describe("each function's deployed bundle", () => {
  beforeAll(async () => {
    const plan = await loadPlanFile(BLOCKS_PLAN);
    scope = { stage: "test", region: "ap-northeast-1", account: "111122223333", plans: [plan] };
    const byHandler = await bundleContents(root)(functions.map((spec) => spec.handler));
    bundles = new Map(functions.map((spec) => [spec.key, byHandler.get(spec.handler)]));
  }, BUNDLING_MS);

  it("is measured on what the deploy bundler builds, byte for byte", async () => {
    const handler = "functions/confirm-signal.handler";
    const deployed = await esbuildBundler(root)(handler);
    expect(Object.values(deployed.files)).toContain(bundles.get("confirmSignal")?.text);
  });

  it.each(functions.map((spec) => spec.key))(
    "%s holds the SDK clients of what it is granted, and no other",
    (key) => {
      expect(bundles.get(key)?.sdkClients).toEqual(grantedSdkClients(key, scope));
    },
  );

  it("keeps the services a step does not call out of its bundle", () => {
    expect(bundles.get("confirmSignal")?.sdkClients).not.toContain("@aws-sdk/client-eks");
    expect(bundles.get("confirmSignal")?.sdkClients).not.toContain("@aws-sdk/client-rds");
    expect(bundles.get("confirmSignal")?.sdkClients).not.toContain("@aws-sdk/client-route-53");
    expect(bundles.get("scaleNodegroups")?.sdkClients).toContain("@aws-sdk/client-eks");
    expect(bundles.get("scaleNodegroups")?.sdkClients).not.toContain("@aws-sdk/client-route-53");
  });
});
