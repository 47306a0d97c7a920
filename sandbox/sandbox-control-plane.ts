import { Route53RecoveryClusterClient } from "@aws-sdk/client-route53-recovery-cluster";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Context } from "aws-lambda";
import { CloudTrailEvidence } from "../adapters/aws/cloudtrail-evidence.js";
import { DynamoDbAuditTrail } from "../adapters/aws/dynamodb-audit-trail.js";
import { DynamoDbPlanState } from "../adapters/aws/dynamodb-plan-state.js";
import { KmsDigestSigner } from "../adapters/aws/kms-digest-signer.js";
import {
  type ClientProvider,
  type ClusterEndpoint,
  PROBE_TIMEOUT_MS,
  type RegionClients,
} from "../adapters/aws/region-clients.js";
import { S3DigestStore } from "../adapters/aws/s3-digest-store.js";
import { SqsDeadLetters } from "../adapters/aws/sqs-dead-letters.js";
import { StepFunctionsStarter } from "../adapters/aws/step-functions-starter.js";
import { RecordingNotifier } from "../adapters/recording-notifier.js";
import type { EvidenceDeps } from "../core/audit/link-evidence.js";
import type { PlanDigestResult } from "../core/audit/write-digest.js";
import type { FenceResult } from "../core/failover/fence-returned-region.js";
import { PlanCatalog } from "../core/plan/plan-catalog.js";
import type { Plan } from "../core/plan/schema.js";
import type { AuditPort } from "../core/ports/audit.js";
import type { DigestStorePort } from "../core/ports/digests.js";
import {
  createDetectAlarmHandler,
  type DetectorHandlerDeps,
  type DetectorResult,
} from "../functions/detect-alarm.js";
import { createFenceReturnedRegionsHandler } from "../functions/fence-returned-regions.js";
import { createLinkEvidenceHandler, type LinkRunSummary } from "../functions/link-evidence.js";
import type { LinkerFunctionDeps } from "../functions/runtime/audit-deps.js";
import { digestWriter, reportWriter } from "../functions/runtime/digest-deps.js";
import type { TaskDeps } from "../functions/runtime/task-deps.js";
import { createWriteDigestsHandler } from "../functions/write-digests.js";
import { allFunctions, timeoutSeconds } from "../infra/function-catalog.js";
import { functionPolicy, type PolicyDocument } from "../infra/grants.js";
import {
  APP_NAME,
  detectorFailureQueueUrl,
  digestBucketName,
  digestKeyAlias,
  functionArn,
  functionName,
  functionRoleName,
  stateMachineArn,
} from "../infra/names.js";
import { topologyOf } from "../infra/topology.js";
import { failbackDefinition } from "../stepfunctions/failback-definition.js";
import { failoverDefinition } from "../stepfunctions/failover-definition.js";
import {
  localTaskFunctionArns,
  type TaskFunctionKey,
  taskFunctionKeys,
} from "../stepfunctions/task-functions.js";
import { taskFunction } from "../steps/registry.js";
import { attachSandbox } from "./attach-sandbox.js";
import { accountOf, type BuiltEstate } from "./build-estate.js";
import type { SandboxEstate } from "./estate.js";
import { identityOf } from "./iam/sandbox-iam.js";
import { type LocalDynamoDb, startLocalDynamoDb } from "./local-dynamodb.js";
import { type LocalFunction, type LocalHandler, LocalWorkflowRunner } from "./local-workflow-runner.js";
import { sandboxClients } from "./sandbox-clients.js";
import { SandboxDnsAnswers } from "./sandbox-dns-answers.js";
import { SandboxKubernetes } from "./sandbox-kubernetes.js";

/** The sandbox's control plane is deployed as this stage, under the names a real stage gets. */
export const SANDBOX_STAGE = "sandbox";
/** The digest buckets' retention in the sandbox: infra's default (infra/deploy-config.ts). */
const DIGEST_RETENTION_DAYS = 400;

export interface SandboxControlPlane {
  region: string;
  /** A plan's failover and failback state machines, each generated from the plan (one pair per plan). */
  stateMachineArns(plan: string): { failover: string; failback: string };
  /** The detector function's name, as the alarm rules target it. */
  detectorName: string;
  /** Delivers an EventBridge event to the detector Lambda, as the alarm rule would. */
  deliver(event: unknown): Promise<DetectorResult>;
  /**
   * Delivers an event to a detector whose dependencies `change` alters, such as one that crashes after
   * taking the lock: how a test shows that Lambda's retry of the same event loses nothing.
   */
  deliverWith(
    change: (deps: DetectorHandlerDeps) => DetectorHandlerDeps,
    event: unknown,
  ): Promise<DetectorResult>;
  audit: DynamoDbAuditTrail;
  state: DynamoDbPlanState;
  notifier: RecordingNotifier;
  dynamo: LocalDynamoDb;
  /** The sessions the detector, the fencing and each workflow task call AWS as (one role per function). */
  roles: SandboxRoles;
  /** The session any of infra's functions calls AWS as in this control plane's region, by function key. */
  roleOf(functionKey: string): string;
  /**
   * Runs the scheduled fencing once, as its EventBridge schedule would (every 5 minutes on AWS): a region
   * a data-loss failover left is scaled to standby once it answers.
   */
  fence(): Promise<FenceResult[]>;
  /** The evidence linker's view of CloudTrail, as the scheduled linker and `kirikae audit verify` use it. */
  evidence: EvidenceDeps;
  /**
   * The audit digests kept in a control-plane region's Object Lock bucket, read as an auditor reads them
   * (ListObjectsV2, GetObject). Workflows write them at their end; `writeDigests` runs the hourly writer.
   */
  digests(region: string): DigestStorePort;
  /** The public key (PEM) of this control plane's digest signing key, read with kms:GetPublicKey. */
  publicKey(): Promise<string>;
  /** The scheduled evidence linker's dependencies: the trail, CloudTrail, and the dead-letter queue. */
  linker: LinkerFunctionDeps;
  /** The detector's dead-letter queue in this control plane's region, where Lambda puts what it gave up on. */
  deadLetterQueueUrl: string;
  /** Runs the scheduled evidence linker once, as its 15-minute EventBridge schedule would. */
  linkEvidence(): Promise<LinkRunSummary>;
  /** Runs the scheduled digest writer once, as its hourly EventBridge schedule would. */
  writeDigests(): Promise<PlanDigestResult[]>;
  stop(): Promise<void>;
}

/**
 * The assumed-role session of each function whose calls the drills check, by function key: one role per
 * function and region, as infra deploys them (infra/functions.ts), the session named after the function.
 */
export type SandboxRoles = { readonly detector: string; readonly fence: string } & Readonly<
  Record<TaskFunctionKey, string>
>;

/** Changes the policy infra generates for one function's role in one region: how a test withholds a grant. */
export type FunctionPolicyChange = (
  functionKey: string,
  policy: PolicyDocument,
  region: string,
) => PolicyDocument;

export interface SandboxControlPlaneOptions {
  /**
   * Applied to each function's policy before it is attached to the function's role in the sandbox's IAM:
   * a test removes a grant here, never in infra, and the drill shows what that grant was for.
   */
  policies?: FunctionPolicyChange;
  /**
   * Wraps the audit port the control plane's functions write through, as a fault no service model can
   * inject: the audit table is a real local DynamoDB. How a test makes one step's append fail.
   */
  taskAudit?: (audit: AuditPort) => AuditPort;
}

/**
 * The control plane as deployed, in process: the real handlers with sandbox clients, the real state
 * machine definition on the local runner, the real tables in a local DynamoDB. It runs in the region
 * being failed over to, as the design asks, so nothing it needs lives in the failed region.
 */
export async function startSandboxControlPlane(
  built: BuiltEstate,
  plans: readonly Plan[],
  options: SandboxControlPlaneOptions = {},
): Promise<SandboxControlPlane> {
  const [plan] = plans;
  if (!plan) throw new Error("the sandbox control plane needs at least one plan");
  const { estate, models } = built;
  const region = plan.regions.find((candidate) => candidate !== plan.activeRegion) ?? plan.activeRegion;
  const account = accountOf(plan);
  // Each function calls AWS as its own role in the region it runs in, the session named after the function
  // as Lambda names it, and the sandbox's IAM holds each role to the policy infra attaches to it.
  const principalOf = (key: string, roleRegion = region) =>
    `arn:aws:sts::${account}:assumed-role/${functionRoleName(SANDBOX_STAGE, key, roleRegion)}/${functionName(SANDBOX_STAGE, key)}`;
  const topology = topologyOf(plans);
  for (const roleRegion of topology.regions) {
    for (const spec of allFunctions(plans)) {
      const policy = functionPolicy(spec.key, {
        stage: SANDBOX_STAGE,
        region: roleRegion,
        account,
        plans: topology.plansIn(roleRegion),
      });
      built.iam.attach(identityOf(principalOf(spec.key, roleRegion)).arn, [
        options.policies ? options.policies(spec.key, policy, roleRegion) : policy,
      ]);
    }
  }
  const roles: SandboxRoles = {
    detector: principalOf("detectAlarm"),
    fence: principalOf("fenceReturnedRegions"),
    ...(Object.fromEntries(taskFunctionKeys.map((key) => [key, principalOf(key)])) as Record<
      TaskFunctionKey,
      string
    >),
  };
  const linkerRole = principalOf("linkEvidence");
  const providers = new Map<string, ClientProvider>();
  const clientsAs = (principal: string) => {
    let provider = providers.get(principal);
    if (!provider) {
      provider = clientProvider(estate, principal);
      providers.set(principal, provider);
    }
    return provider;
  };

  const dynamo = await startLocalDynamoDb(`${APP_NAME}-${SANDBOX_STAGE}`);
  const documents = DynamoDBDocumentClient.from(dynamo.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const audit = new DynamoDbAuditTrail(documents, dynamo.tableNames.audit ?? "");
  const state = new DynamoDbPlanState(documents, dynamo.tableNames.state ?? "");
  const notifier = new RecordingNotifier();
  const catalog = new PlanCatalog(plans);
  const digestConfig = (digestRegion: string) => ({
    region: digestRegion,
    digests: {
      bucket: digestBucketName(SANDBOX_STAGE, account, digestRegion),
      keyId: digestKeyAlias(SANDBOX_STAGE),
      retentionDays: DIGEST_RETENTION_DAYS,
    },
  });
  const digestWriterAs = (key: string, digestRegion: string) =>
    digestWriter(digestConfig(digestRegion), {
      clients: clientsAs(principalOf(key, digestRegion)),
      audit,
      clock: estate.clock,
      actor: principalOf(key, digestRegion),
    });

  /** What one function's handler gets: the shared ports, and clients and an actor of its own role. */
  const depsAs = (key: string): TaskDeps => ({
    plans: catalog,
    clock: estate.clock,
    clients: clientsAs(principalOf(key)),
    audit: options.taskAudit ? options.taskAudit(audit) : audit,
    state,
    notifier,
    actor: principalOf(key),
    // One control plane stands in for both regions' (the failback's runs in the home region): each run's
    // digest goes to the key and bucket of the region that would run it, signed by that region's role.
    writeDigest: (name, runsIn) => digestWriterAs(key, runsIn ?? region).writeDigest(name),
    writeReport: (reported, executionId, runsIn) =>
      reportWriter(digestConfig(runsIn ?? region), {
        clients: clientsAs(principalOf(key, runsIn ?? region)),
        audit,
        clock: estate.clock,
      })(reported, executionId),
    dnsAnswers: (answering) =>
      new SandboxDnsAnswers(models.route53, answering.dns.hostedZoneId, estate.clock),
    kubernetes: (clusterRegion, clusterName) =>
      new SandboxKubernetes(estate, models.kubernetes, clusterRegion, clusterName),
    httpProbe: () => built.httpProbe,
  });
  const functionArns = localTaskFunctionArns(region, account);
  const stateMachineArns = (planName: string) => ({
    failover: stateMachineArn(region, account, SANDBOX_STAGE, "failover", planName),
    failback: stateMachineArn(region, account, SANDBOX_STAGE, "failback", planName),
  });
  const handlerOf = (key: TaskFunctionKey): LocalHandler => {
    const task = taskFunction(key);
    if (!task) throw new Error(`the step registry defines no task function ${key}`);
    return task.create(() => depsAs(key));
  };
  // Each function with the timeout infra deploys it with, so the runner stops it where Lambda would.
  const specs = new Map(allFunctions(plans).map((spec) => [spec.key, spec]));
  const byArn = new Map<string, LocalFunction>(
    // Only the functions infra deploys for these plans: a Task naming another fails as on AWS.
    Object.entries(functionArns)
      .filter(([key]) => specs.has(key))
      .map(([key, arn]) => {
        const spec = specs.get(key);
        if (!spec) throw new Error(`infra defines no function for the workflow task ${key}`);
        return [
          arn,
          { handler: handlerOf(key as TaskFunctionKey), timeoutSeconds: timeoutSeconds(spec, plans) },
        ];
      }),
  );
  // Each plan's own pair, generated from its recovery blocks, as infra deploys them.
  for (const served of plans) {
    const machines = stateMachineArns(served.name);
    const definitions = {
      [machines.failover]: failoverDefinition(functionArns, served),
      [machines.failback]: failbackDefinition(functionArns, served),
    };
    for (const [arn, definition] of Object.entries(definitions)) {
      models.sfn.register(
        arn,
        new LocalWorkflowRunner(definition, byArn, estate.clock, estate.random, models.sfn.tokens),
      );
    }
  }

  // The escalation under its deployed name too, for a person who runs it as the Escalate state would:
  // `kirikae cancel` stops a run, then invokes it (cli/cancel-run.ts).
  const abortSpec = specs.get("abortWorkflow");
  const abortName = functionName(SANDBOX_STAGE, "abortWorkflow");
  models.lambda.register(
    functionArn(region, account, SANDBOX_STAGE, "abortWorkflow"),
    (event) => estate.clock.busy(() => handlerOf("abortWorkflow")(event, lambdaContext(abortName))),
    abortSpec ? { timeoutMs: timeoutSeconds(abortSpec, plans) * 1000 } : {},
  );

  const detectorClients = clientsAs(roles.detector);
  const detectorDeps: DetectorHandlerDeps = {
    ...depsAs("detectAlarm"),
    workflows: new StepFunctionsStarter(
      detectorClients,
      region,
      (kind, planName) => stateMachineArns(planName)[kind],
    ),
  };
  const invoke = (deps: DetectorHandlerDeps, event: unknown) => {
    const detector = createDetectAlarmHandler(() => deps);
    return estate.clock.busy(
      () => detector(event, lambdaContext("kirikae-detect-alarm")) as Promise<DetectorResult>,
    );
  };
  const fencing = createFenceReturnedRegionsHandler(() => ({
    ...depsAs("fenceReturnedRegions"),
    plans,
    region,
  }));
  const scheduledDigests = createWriteDigestsHandler(() => ({
    ...depsAs("writeDigests"),
    writeDigest: digestWriterAs("writeDigests", region).writeDigest,
  }));
  const linkerClients = clientsAs(linkerRole);
  const deadLetterQueueUrl = detectorFailureQueueUrl(region, account, SANDBOX_STAGE);
  const evidence: EvidenceDeps = {
    audit,
    evidence: new CloudTrailEvidence(linkerClients, estate.clock),
    clock: estate.clock,
    actor: linkerRole,
  };
  const linker: LinkerFunctionDeps = {
    ...evidence,
    audit,
    plans: catalog,
    deadLetters: new SqsDeadLetters(linkerClients, region, deadLetterQueueUrl),
  };
  const scheduledLinker = createLinkEvidenceHandler(() => linker);
  // An auditor's own identity: it reads digests and the public key, and can change neither.
  const auditorClients = clientProvider(estate, `arn:aws:iam::${account}:user/auditor`);
  return {
    region,
    stateMachineArns,
    detectorName: functionName(SANDBOX_STAGE, "detectAlarm"),
    deliver: (event) => invoke(detectorDeps, event),
    deliverWith: (change, event) => invoke(change(detectorDeps), event),
    fence: () =>
      estate.clock.busy(
        () => fencing({}, lambdaContext("kirikae-fence-returned-regions")) as Promise<FenceResult[]>,
      ),
    audit,
    state,
    notifier,
    dynamo,
    roles,
    roleOf: (functionKey) => {
      if (!allFunctions(plans).some((spec) => spec.key === functionKey)) {
        throw new Error(`infra deploys no function ${functionKey}, so it has no role to call AWS as`);
      }
      return principalOf(functionKey);
    },
    evidence,
    linker,
    deadLetterQueueUrl,
    linkEvidence: () =>
      estate.clock.busy(
        () => scheduledLinker({}, lambdaContext("kirikae-link-evidence")) as Promise<LinkRunSummary>,
      ),
    digests: (digestRegion) =>
      new S3DigestStore(
        auditorClients,
        digestRegion,
        digestBucketName(SANDBOX_STAGE, account, digestRegion),
        estate.clock,
        DIGEST_RETENTION_DAYS,
      ),
    publicKey: () => new KmsDigestSigner(auditorClients, region, digestKeyAlias(SANDBOX_STAGE)).publicKey(),
    writeDigests: () =>
      estate.clock.busy(
        () => scheduledDigests({}, lambdaContext("kirikae-write-digests")) as Promise<PlanDigestResult[]>,
      ),
    stop: () => dynamo.stop(),
  };
}

/** Sandbox clients per region for one principal, plus short-timeout probe clients, built once each. */
export function clientProvider(estate: SandboxEstate, principal: string): ClientProvider {
  const cache = new Map<string, RegionClients>();
  const get = (region: string, probe: boolean) => {
    const key = `${probe}:${region}`;
    let clients = cache.get(key);
    if (!clients) {
      clients = sandboxClients(
        estate,
        region,
        principal,
        probe ? { timeoutMs: PROBE_TIMEOUT_MS, maxAttempts: 1 } : {},
      );
      cache.set(key, clients);
    }
    return clients;
  };
  const clusters = new Map<string, Route53RecoveryClusterClient>();
  const recoveryCluster = (endpoint: ClusterEndpoint) => {
    let client = clusters.get(endpoint.url);
    if (!client) {
      client = attachSandbox(
        new Route53RecoveryClusterClient({
          region: endpoint.region,
          endpoint: endpoint.url,
          credentials: { accessKeyId: "SANDBOX", secretAccessKey: "SANDBOX" },
        }),
        {
          estate,
          service: "route53-recovery-cluster",
          region: endpoint.region,
          principal,
          timeoutMs: PROBE_TIMEOUT_MS,
          maxAttempts: 1,
        },
      );
      clusters.set(endpoint.url, client);
    }
    return client;
  };
  return {
    forRegion: (region) => get(region, false),
    probe: (region) => get(region, true),
    recoveryCluster,
  };
}

function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: "256",
    awsRequestId: "local",
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "sandbox",
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
