/**
 * The first invocation of one function, for `npm run bench:cold`: loaded into a fresh Node process right
 * after the deployed bundle's import was timed there, and never by the bundle itself.
 *
 * What is timed is what a Lambda's first invocation does after init: the bundle's own handler factory is
 * given its dependencies, built on first use inside the invocation as production builds them at cold start
 * (a DynamoDB client and the tables' adapters, the AWS clients of the function's own role, the ports over
 * them), and answers one event of the kind it is deployed for. Its AWS calls are answered by the sandbox
 * (the estate's service models behind the real SDK clients, the tables in a real local DynamoDB) with the
 * function's IAM role as the caller. The sandbox and the SDK code its clients run are loaded before the
 * clock starts, so module loading stays in the init figure; sandbox-answered calls skip the SDK's
 * serialization and signing (the sandbox answers at the front of the client's stack), DynamoDB's do not.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Context } from "aws-lambda";
import { CloudTrailEvidence } from "../adapters/aws/cloudtrail-evidence.js";
import { CloudWatchMetrics } from "../adapters/aws/cloudwatch-metrics.js";
import { DynamoDbAuditTrail } from "../adapters/aws/dynamodb-audit-trail.js";
import { DynamoDbPlanState } from "../adapters/aws/dynamodb-plan-state.js";
import { SqsDeadLetters } from "../adapters/aws/sqs-dead-letters.js";
import { StepFunctionsStarter } from "../adapters/aws/step-functions-starter.js";
import { loadPlanFile } from "../core/plan/load-plan-file.js";
import { PlanCatalog } from "../core/plan/plan-catalog.js";
import type { Plan } from "../core/plan/schema.js";
import { digestWriter, reportWriter } from "../functions/runtime/digest-deps.js";
import type { TaskDeps } from "../functions/runtime/task-deps.js";
import { digestBucketName, digestKeyAlias, functionName, functionRoleName } from "../infra/names.js";
import { accountOf, buildEstate } from "../sandbox/build-estate.js";
import { clientProvider, SANDBOX_STAGE, startSandboxControlPlane } from "../sandbox/sandbox-control-plane.js";
import { SandboxDnsAnswers } from "../sandbox/sandbox-dns-answers.js";
import { SandboxKubernetes } from "../sandbox/sandbox-kubernetes.js";
import { stepKinds } from "../steps/registry.js";

/**
 * The plans the first invocations run for: the default example, or for a block kind it does not have,
 * the first example that has one (a block's step cannot run for a plan without that block).
 */
export const COLD_START_PLAN = "examples/tokyo-singapore.plan.json";
const OTHER_PLANS = [
  "examples/tokyo-osaka-blocks.plan.json",
  "examples/virginia-oregon.plan.json",
  "examples/oregon-ireland.plan.ts",
];
/** infra's default retention of the digest buckets (infra/deploy-config.ts). */
const DIGEST_RETENTION_DAYS = 400;
/** Functions whose dependencies list the deployed plans rather than look one up by name. */
const LISTS_PLANS = new Set(["checkReadiness", "fenceReturnedRegions"]);

export interface FirstInvocation {
  /** The plan file the invocation ran for; null when no example plan has what the function runs. */
  plan: string | null;
  /** Wall-clock ms from the invocation's start until its first AWS call was answered; null if it made none. */
  firstCallMs: number | null;
  /** The first AWS call, as "service:Operation". */
  firstCall: string | null;
  /** Wall-clock ms of the whole invocation, dependencies built inside it. */
  invocationMs: number;
  /** Modelled ms the invocation's AWS calls took on the sandbox's virtual clock. */
  modelledMs: number;
  /** AWS calls the invocation made: the sandbox's services and DynamoDB. */
  awsCalls: number;
  /** "ok", or the name of what the handler threw (a refusal is still a first invocation). */
  outcome: string;
}

/** Runs the first invocation of function `key` through `bundle`'s handler factory; see the file's comment. */
export async function firstInvocation(
  key: string,
  bundle: Record<string, unknown>,
): Promise<FirstInvocation> {
  const factory = handlerFactory(key, bundle);
  const kind = blockKindOf(key);
  const chosen = await planFor(kind);
  if (!chosen) {
    return {
      plan: null,
      firstCallMs: null,
      firstCall: null,
      invocationMs: 0,
      modelledMs: 0,
      awsCalls: 0,
      outcome: `not run: no example plan has a ${kind} block`,
    };
  }
  const { plan, file } = chosen;
  const built = buildEstate([plan]);
  const { estate, models } = built;
  const controlPlane = await startSandboxControlPlane(built, [plan]);
  try {
    const region = controlPlane.region;
    const account = accountOf(plan);
    const principal = `arn:aws:sts::${account}:assumed-role/${functionRoleName(SANDBOX_STAGE, key, region)}/${functionName(SANDBOX_STAGE, key)}`;
    const event = eventFor(key, kind, plan, region, estate.clock.now());

    let timing = false;
    let began = 0;
    let firstCall: { ms: number; name: string } | undefined;
    let calls = 0;
    const called = (name: string) => {
      if (!timing) return;
      calls += 1;
      firstCall ??= { ms: performance.now() - began, name };
    };
    estate.onCall((call) => called(`${call.service}:${call.operation}`));

    // What production builds at cold start (functions/runtime/production-deps.ts), built here inside the
    // timed invocation on first use, with the sandbox's clients in place of the deployed ones.
    const deps = async () => {
      const dynamodb = new DynamoDBClient({
        endpoint: controlPlane.dynamo.endpoint,
        region,
        credentials: { accessKeyId: "LOCAL", secretAccessKey: "LOCAL" },
      });
      dynamodb.middlewareStack.add(
        (next, context) => async (args) => {
          const output = await next(args);
          called(`dynamodb:${String(context.commandName).replace(/Command$/, "")}`);
          return output;
        },
        { step: "initialize", name: "coldStartCalls" },
      );
      const documents = DynamoDBDocumentClient.from(dynamodb, {
        marshallOptions: { removeUndefinedValues: true },
      });
      const audit = new DynamoDbAuditTrail(documents, controlPlane.dynamo.tableNames.audit ?? "");
      const clients = clientProvider(estate, principal);
      const digestConfig = {
        region,
        digests: {
          bucket: digestBucketName(SANDBOX_STAGE, account, region),
          keyId: digestKeyAlias(SANDBOX_STAGE),
          retentionDays: DIGEST_RETENTION_DAYS,
        },
      };
      // Typed as the workflow steps' dependencies, so a port added to them fails here, not in the run.
      const task: TaskDeps = {
        plans: new PlanCatalog([plan]),
        clock: estate.clock,
        clients,
        audit,
        state: new DynamoDbPlanState(documents, controlPlane.dynamo.tableNames.state ?? ""),
        notifier: controlPlane.notifier,
        actor: principal,
        dnsAnswers: (answering) =>
          new SandboxDnsAnswers(models.route53, answering.dns.hostedZoneId, estate.clock),
        kubernetes: (clusterRegion, clusterName) =>
          new SandboxKubernetes(estate, models.kubernetes, clusterRegion, clusterName),
        httpProbe: () => built.httpProbe,
        writeDigest: digestWriter(digestConfig, { clients, audit, clock: estate.clock, actor: principal })
          .writeDigest,
        writeReport: reportWriter(digestConfig, { clients, audit, clock: estate.clock }),
      };
      // What the detector, the audit functions and the scheduled checks need besides.
      return {
        ...task,
        ...(LISTS_PLANS.has(key) ? { plans: [plan] } : {}),
        region,
        stage: SANDBOX_STAGE,
        workflows: new StepFunctionsStarter(
          clients,
          region,
          (workflow, planName) => controlPlane.stateMachineArns(planName)[workflow],
        ),
        evidence: new CloudTrailEvidence(clients, estate.clock),
        deadLetters: new SqsDeadLetters(clients, region, controlPlane.deadLetterQueueUrl),
        metrics: new CloudWatchMetrics(clients, region),
      };
    };

    const modelledFrom = estate.clock.now().getTime();
    timing = true;
    began = performance.now();
    let outcome = "ok";
    let resolved: Promise<unknown> | undefined;
    try {
      const handler = factory(() => {
        resolved ??= deps();
        return resolved;
      });
      await estate.clock.busy(() => handler(event, lambdaContext(functionName(SANDBOX_STAGE, key))));
    } catch (error) {
      outcome = error instanceof Error ? error.name : "non-error thrown";
    }
    const invocationMs = performance.now() - began;
    timing = false;
    const recorded = firstCall as { ms: number; name: string } | undefined;
    return {
      plan: file,
      firstCallMs: recorded?.ms ?? null,
      firstCall: recorded?.name ?? null,
      invocationMs,
      modelledMs: estate.clock.now().getTime() - modelledFrom,
      awsCalls: calls,
      outcome,
    };
  } finally {
    await controlPlane.stop();
  }
}

/** The kind of block a function runs the step of (steps/registry.ts); undefined for the workflow's own. */
function blockKindOf(key: string): string | undefined {
  return Object.values(stepKinds).find((candidate) => candidate.functions.some((task) => task.key === key))
    ?.kind;
}

async function planFor(kind: string | undefined): Promise<{ plan: Plan; file: string } | undefined> {
  for (const file of [COLD_START_PLAN, ...OTHER_PLANS]) {
    const plan = await loadPlanFile(file).catch(() => undefined);
    if (plan && (!kind || plan.recovery.blocks.some((block) => block.kind === kind))) return { plan, file };
  }
  return undefined;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;
type HandlerFactory = (deps: () => unknown) => Handler;

/** The bundle's one `create…Handler` export: the factory the deployed `handler` is built from. */
function handlerFactory(key: string, bundle: Record<string, unknown>): HandlerFactory {
  const factories = Object.entries(bundle).filter(
    ([name, value]) => /^create\w+Handler$/.test(name) && typeof value === "function",
  );
  const [only] = factories;
  if (!only || factories.length > 1) {
    throw new Error(
      `the bundle of ${key} exports ${factories.length} handler factories (${factories.map(([name]) => name).join(", ") || "none"}); the bench needs exactly one`,
    );
  }
  return only[1] as HandlerFactory;
}

/** One event of the kind each function is deployed for: a workflow state, an alarm, a question, a schedule. */
function eventFor(key: string, kind: string | undefined, plan: Plan, region: string, now: Date): unknown {
  const at = now.toISOString();
  const alarm = plan.triggers.alarms[0];
  switch (key) {
    case "detectAlarm":
      return {
        version: "0",
        id: "cold-start",
        "detail-type": "CloudWatch Alarm State Change",
        source: "aws.cloudwatch",
        account: accountOf(plan),
        time: at,
        region: alarm?.region ?? region,
        resources: [],
        detail: {
          alarmName: alarm?.name ?? "",
          state: { value: "ALARM", reason: "cold-start bench", timestamp: at },
          previousState: { value: "OK", reason: "", timestamp: at },
        },
      };
    case "queryAudit":
      return { plan: plan.name };
    case "linkEvidence":
    case "checkReadiness":
    case "fenceReturnedRegions":
    case "writeDigests":
      return { "detail-type": "Scheduled Event", source: "aws.events", time: at, detail: {} };
    default: {
      // The automatic path: a failover the detector started on the plan's first alarm.
      const state = {
        kind: "failover",
        request: {
          plan: plan.name,
          kind: "failover",
          sourceRegion: plan.activeRegion,
          targetRegion: region,
          trigger: alarm
            ? { type: "alarm", alarmName: alarm.name, alarmRegion: alarm.region, detectedAt: at }
            : { type: "manual", reason: "cold-start bench", detectedAt: at },
        },
        execution: {
          id: `arn:aws:states:${region}:${accountOf(plan)}:execution:kirikae-failover:cold-start`,
          startedAt: at,
        },
      };
      // A block's step is told which of the plan's blocks it runs: the plan's first of its kind.
      const block = kind && plan.recovery.blocks.find((candidate) => candidate.kind === kind);
      if (block) return { ...state, block: block.id };
      // The first step gets the raw input: a person's, since only the detector may claim an alarm.
      if (key === "acceptRequest")
        return { ...state, request: { plan: plan.name, reason: "cold-start bench" } };
      if (key === "requestApproval") return { ...state, taskToken: "cold-start-token" };
      if (key === "abortWorkflow")
        return { ...state, failure: { Error: "WriterNotConfirmed", Cause: "cold-start bench" } };
      return state;
    }
  }
}

function lambdaContext(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: "256",
    awsRequestId: "cold-start",
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: "cold-start",
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
