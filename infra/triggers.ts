import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { FunctionSpec } from "./function-catalog.js";
import {
  alarmForwardingRoleName,
  defaultEventBusArn,
  detectorFailureQueueName,
  detectRuleName,
  forwardRuleName,
  pascalCase,
  scheduleRuleName,
} from "./names.js";
import type { RegionProviders } from "./providers.js";
import { alarmForwardingPolicy } from "./service-grants.js";
import { type AlarmRoute, alarmEventPattern } from "./topology.js";
import { serviceTrustPolicy } from "./trust-policy.js";

/**
 * How alarms reach the detector: a rule in the plan's recovery region targets its detector; every other
 * region holding one of the plan's alarms forwards their state changes to that region's default bus,
 * where the same rule picks them up. The forwarding rules live in the alarms' regions; the decision and
 * everything after it stay in the recovery region.
 */
export function alarmRouting(args: {
  stage: string;
  account: pulumi.Input<string>;
  routes: readonly AlarmRoute[];
  detectors: ReadonlyMap<string, aws.lambda.Function>;
  providers: RegionProviders;
  /** Where the account-wide forwarding role is created. */
  homeRegion: string;
}): void {
  const { stage, account, routes, detectors, providers } = args;
  const forwards = routes.flatMap((route) =>
    [...route.alarmsByRegion]
      .filter(([region]) => region !== route.detectorRegion)
      .map(([region, alarms]) => ({ route, region, alarms })),
  );
  const forwardingRole = forwards.length === 0 ? undefined : alarmForwardingRole(args, forwards);

  for (const route of routes) {
    const detector = detectors.get(route.detectorRegion);
    if (!detector) throw new Error(`no detector in ${route.detectorRegion} for plan "${route.plan}"`);
    const provider = providers(route.detectorRegion);
    const logical = `${pascalCase(route.detectorRegion)}${pascalCase(route.plan)}`;
    const rule = new aws.cloudwatch.EventRule(
      `${logical}DetectRule`,
      {
        name: detectRuleName(stage, route.plan),
        description: `kirikae ${stage}: alarms of plan ${route.plan} to its detector`,
        eventPattern: JSON.stringify(alarmEventPattern(route.alarmsByRegion)),
      },
      { provider },
    );
    new aws.cloudwatch.EventTarget(
      `${logical}DetectTarget`,
      { rule: rule.name, targetId: "detector", arn: detector.arn },
      { provider },
    );
    new aws.lambda.Permission(
      `${logical}DetectPermission`,
      {
        action: "lambda:InvokeFunction",
        function: detector.name,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
      },
      { provider },
    );
  }

  for (const { route, region, alarms } of forwards) {
    const provider = providers(region);
    const logical = `${pascalCase(region)}${pascalCase(route.plan)}`;
    const rule = new aws.cloudwatch.EventRule(
      `${logical}ForwardRule`,
      {
        name: forwardRuleName(stage, route.plan),
        description: `kirikae ${stage}: alarms of plan ${route.plan} to ${route.detectorRegion}`,
        eventPattern: JSON.stringify(alarmEventPattern(new Map([[region, alarms]]))),
      },
      { provider },
    );
    new aws.cloudwatch.EventTarget(
      `${logical}ForwardTarget`,
      {
        rule: rule.name,
        targetId: "control-plane",
        arn: pulumi.output(account).apply((resolved) => defaultEventBusArn(route.detectorRegion, resolved)),
        roleArn: forwardingRole?.arn ?? "",
      },
      { provider },
    );
  }
}

/** Lambda retries a failed asynchronous invocation at most twice (about 1 and 2 minutes later). */
const DETECTOR_RETRY_ATTEMPTS = 2;
/** SQS's longest retention: a lost alarm event stays readable for two weeks of investigation. */
const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;

/**
 * What happens to an alarm event the detector fails on. EventBridge invokes it asynchronously, so Lambda
 * retries the event twice and then drops it unless told otherwise (Lambda developer guide, "Configuring
 * error handling settings for Lambda asynchronous invocations" and "Capturing records of Lambda
 * asynchronous invocations"). Each retry carries the same event, which names the same execution, so a
 * retry after a crash or a timeout loses nothing; after the last one the invocation record (the event,
 * the error) goes to a queue, where the dead-letters alarm sees it. Returns that queue.
 */
export function detectorRetries(args: {
  stage: string;
  region: string;
  detector: aws.lambda.Function;
  provider: aws.Provider;
}): aws.sqs.Queue {
  const { stage, region, detector, provider } = args;
  const prefix = pascalCase(region);
  const queue = new aws.sqs.Queue(
    `${prefix}DetectorFailures`,
    {
      name: detectorFailureQueueName(stage),
      messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
    },
    { provider },
  );
  new aws.lambda.FunctionEventInvokeConfig(
    `${prefix}DetectorInvokeConfig`,
    {
      functionName: detector.name,
      maximumRetryAttempts: DETECTOR_RETRY_ATTEMPTS,
      // Lambda sends to the destination with the function's role, which is granted exactly this queue.
      destinationConfig: { onFailure: { destination: queue.arn } },
    },
    { provider },
  );
  return queue;
}

function alarmForwardingRole(
  args: { stage: string; account: pulumi.Input<string>; providers: RegionProviders; homeRegion: string },
  forwards: ReadonlyArray<{ route: AlarmRoute }>,
): aws.iam.Role {
  const provider = args.providers(args.homeRegion);
  const role = new aws.iam.Role(
    "AlarmForwardingRole",
    {
      name: alarmForwardingRoleName(args.stage),
      assumeRolePolicy: pulumi
        .output(args.account)
        .apply((account) => serviceTrustPolicy("events.amazonaws.com", account)),
    },
    { provider },
  );
  new aws.iam.RolePolicy(
    "AlarmForwardingPolicy",
    {
      role: role.id,
      policy: pulumi
        .output(args.account)
        .apply((account) =>
          JSON.stringify(
            alarmForwardingPolicy(
              forwards.map(({ route }) => defaultEventBusArn(route.detectorRegion, account)),
            ),
          ),
        ),
    },
    { provider },
  );
  return role;
}

/** The schedules of one region: each scheduled function on its own rule. */
export function regionSchedules(args: {
  stage: string;
  region: string;
  specs: readonly FunctionSpec[];
  functions: ReadonlyMap<string, aws.lambda.Function>;
  provider: aws.Provider;
}): void {
  const { stage, region, specs, functions, provider } = args;
  for (const spec of specs) {
    if (spec.trigger.kind !== "schedule") continue;
    const fn = functions.get(spec.key);
    if (!fn) throw new Error(`scheduled function ${spec.key} was not created in ${region}`);
    const logical = `${pascalCase(region)}${pascalCase(spec.key)}`;
    const rule = new aws.cloudwatch.EventRule(
      `${logical}Schedule`,
      {
        name: scheduleRuleName(stage, spec.key),
        description: `kirikae ${stage}: ${spec.key} every ${spec.trigger.everyMinutes} minutes`,
        scheduleExpression: `rate(${spec.trigger.everyMinutes} minutes)`,
      },
      { provider },
    );
    new aws.cloudwatch.EventTarget(
      `${logical}ScheduleTarget`,
      { rule: rule.name, targetId: spec.key, arn: fn.arn },
      { provider },
    );
    new aws.lambda.Permission(
      `${logical}SchedulePermission`,
      {
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
      },
      { provider },
    );
  }
}
