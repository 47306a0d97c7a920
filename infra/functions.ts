import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Plan } from "../core/plan/schema.js";
import { type BundledHandler, functionArchive } from "./bundling.js";
import { type FunctionSpec, timeoutSeconds } from "./function-catalog.js";
import { functionPolicy } from "./grants.js";
import {
  functionLogGroupName,
  functionName,
  functionRoleName,
  LAMBDA_TASK_ROOT,
  PLANS_FILE_IN_PACKAGE,
  pascalCase,
} from "./names.js";
import { serviceTrustPolicy } from "./trust-policy.js";

export const LAMBDA_RUNTIME = "nodejs22.x";
export const LOG_RETENTION_DAYS = 90;
/** More memory is more CPU: cold starts and the SDK's request signing are CPU-bound. */
const MEMORY_MB = 512;

export interface RegionFunctionsArgs {
  stage: string;
  region: string;
  account: pulumi.Input<string>;
  /** The plans this region serves: bundled into each package, and the scope of every grant. */
  plans: readonly Plan[];
  specs: readonly FunctionSpec[];
  bundle: (handler: string) => Promise<BundledHandler>;
  provider: aws.Provider;
  /** The environment every function gets (functions/runtime/config.ts). */
  environment: Record<string, pulumi.Input<string>>;
  /** Extra variables for some functions, by key. */
  environmentFor?: Record<string, Record<string, pulumi.Input<string>>>;
  /** Resources a function must not run before (its tables, its topic). */
  dependsOn: pulumi.Resource[];
}

/** One region's functions: each with its own log group, its own role and a policy of exactly its grants. */
export function regionFunctions(args: RegionFunctionsArgs): Map<string, aws.lambda.Function> {
  const { stage, region, account, plans, specs, bundle, provider } = args;
  const prefix = pascalCase(region);
  const plansJson = JSON.stringify(plans);
  const created = new Map<string, aws.lambda.Function>();
  for (const spec of specs) {
    const logical = `${prefix}${pascalCase(spec.key)}`;
    const logGroup = new aws.cloudwatch.LogGroup(
      `${logical}Logs`,
      { name: functionLogGroupName(stage, spec.key), retentionInDays: LOG_RETENTION_DAYS },
      { provider },
    );
    const role = new aws.iam.Role(
      `${logical}Role`,
      {
        name: functionRoleName(stage, spec.key, region),
        assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com"),
      },
      { provider },
    );
    const policy = new aws.iam.RolePolicy(
      `${logical}Policy`,
      {
        role: role.id,
        policy: pulumi
          .output(account)
          .apply((resolved) =>
            JSON.stringify(functionPolicy(spec.key, { stage, region, account: resolved, plans })),
          ),
      },
      { provider },
    );
    const bundled = bundle(spec.handler);
    const fn = new aws.lambda.Function(
      `${logical}Function`,
      {
        name: functionName(stage, spec.key),
        description: `kirikae ${stage}: ${spec.description}`,
        role: role.arn,
        runtime: LAMBDA_RUNTIME,
        architectures: ["arm64"],
        memorySize: MEMORY_MB,
        timeout: timeoutSeconds(spec, plans),
        handler: bundled.then((built) => built.handler),
        code: bundled.then((built) => functionArchive(built, plansJson)),
        environment: {
          variables: {
            ...args.environment,
            // With the stage and the region, what names any of the stage's resources (infra/names.ts):
            // the detector computes the failover machine of the plan whose alarm fired from it.
            KIRIKAE_ACCOUNT: account,
            KIRIKAE_PLANS_FILE: `${LAMBDA_TASK_ROOT}/${PLANS_FILE_IN_PACKAGE}`,
            ...(args.environmentFor?.[spec.key] ?? {}),
          },
        },
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      },
      // The policy before the function: a first invocation must not meet AccessDenied.
      { provider, dependsOn: [policy, logGroup, ...args.dependsOn] },
    );
    created.set(spec.key, fn);
  }
  return created;
}
