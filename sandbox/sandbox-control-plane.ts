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
import { createAbortWorkflowHandler } from "../functions/abort-workflow.js";
import { createAcceptRequestHandler } from "../functions/accept-request.js";
import { createCompleteWorkflowHandler } from "../functions/complete-workflow.js";
import { createConfirmSignalHandler } from "../functions/confirm-signal.js";
import {
  createDetectAlarmHandler,
  type DetectorHandlerDeps,
  type DetectorResult,
} from "../functions/detect-alarm.js";
import { createFenceReturnedRegionsHandler } from "../functions/fence-returned-regions.js";
import { createLinkEvidenceHandler, type LinkRunSummary } from "../functions/link-evidence.js";
import { createPrecheckHandler } from "../functions/precheck.js";
import { createPromoteDatabaseHandler } from "../functions/promote-database.js";
import { createRequestApprovalHandler } from "../functions/request-approval.js";
import type { LinkerFunctionDeps } from "../functions/runtime/audit-deps.js";
import { digestWriter } from "../functions/runtime/digest-deps.js";
import type { TaskDeps } from "../functions/runtime/task-deps.js";
import { createScaleDownNodegroupsHandler } from "../functions/scale-down-nodegroups.js";
import { createScaleNodegroupsHandler } from "../functions/scale-nodegroups.js";
import { createSwitchTrafficHandler } from "../functions/switch-traffic.js";
import { createVerifyRecoveryHandler } from "../functions/verify-recovery.js";
import { createWriteDigestsHandler } from "../functions/write-digests.js";
import { allFunctions, timeoutSeconds } from "../infra/function-catalog.js";
import {
  APP_NAME,
  detectorFailureQueueUrl,
  digestBucketName,
  digestKeyAlias,
  functionName,
  functionRoleName,
  stateMachineArn,
} from "../infra/names.js";
import { failbackDefinition } from "../stepfunctions/failback-definition.js";
import { failoverDefinition } from "../stepfunctions/failover-definition.js";
import { localTaskFunctionArns, type TaskFunctionKey } from "../stepfunctions/task-functions.js";
import { attachSandbox } from "./attach-sandbox.js";
import { accountOf, type BuiltEstate } from "./build-estate.js";
import type { SandboxEstate } from "./estate.js";
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
  stateMachineArns: { failover: string; failback: string };
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
  roles: { detector: string; tasks: string; fence: string };
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

export interface SandboxControlPlaneOptions {
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
  const fenceRole = `arn:aws:sts::${account}:assumed-role/${functionRoleName(SANDBOX_STAGE, "fenceReturnedRegions", region)}/kirikae-fence-returned-regions`;
  const roles = {
    detector: `arn:aws:sts::${account}:assumed-role/${functionRoleName(SANDBOX_STAGE, "detectAlarm", region)}/kirikae-detect-alarm`,
    tasks: `arn:aws:sts::${account}:assumed-role/${functionRoleName(SANDBOX_STAGE, "tasks", region)}/kirikae-workflow-task`,
    fence: fenceRole,
  };
  const linkerRole = `arn:aws:sts::${account}:assumed-role/${functionRoleName(SANDBOX_STAGE, "linkEvidence", region)}/kirikae-link-evidence`;

  const dynamo = await startLocalDynamoDb(`${APP_NAME}-${SANDBOX_STAGE}`);
  const documents = DynamoDBDocumentClient.from(dynamo.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const audit = new DynamoDbAuditTrail(documents, dynamo.tableNames.audit ?? "");
  const state = new DynamoDbPlanState(documents, dynamo.tableNames.state ?? "");
  const notifier = new RecordingNotifier();
  const catalog = new PlanCatalog(plans);
  const taskClients = clientProvider(estate, roles.tasks);
  const digestConfig = (digestRegion: string) => ({
    region: digestRegion,
    digests: {
      bucket: digestBucketName(SANDBOX_STAGE, account, digestRegion),
      keyId: digestKeyAlias(SANDBOX_STAGE),
      retentionDays: DIGEST_RETENTION_DAYS,
    },
  });
  const digestWriterIn = (digestRegion: string) =>
    digestWriter(digestConfig(digestRegion), {
      clients: taskClients,
      audit,
      clock: estate.clock,
      actor: roles.tasks,
    });

  const taskDeps: TaskDeps = {
    plans: catalog,
    clock: estate.clock,
    clients: taskClients,
    audit: options.taskAudit ? options.taskAudit(audit) : audit,
    state,
    notifier,
    actor: roles.tasks,
    // One control plane stands in for both regions' (the failback's runs in the home region): each run's
    // digest goes to the key and bucket of the region that would run it, as deployed.
    writeDigest: (name, runsIn) => digestWriterIn(runsIn ?? region).writeDigest(name),
    dnsAnswers: (answering) =>
      new SandboxDnsAnswers(models.route53, answering.dns.hostedZoneId, estate.clock),
    kubernetes: (clusterRegion, clusterName) =>
      new SandboxKubernetes(estate, models.kubernetes, clusterRegion, clusterName),
  };
  const functionArns = localTaskFunctionArns(region, account);
  const stateMachineArns = {
    failover: stateMachineArn(region, account, SANDBOX_STAGE, "failover"),
    failback: stateMachineArn(region, account, SANDBOX_STAGE, "failback"),
  };
  const handlers = taskHandlers(taskDeps);
  // Each function with the timeout infra deploys it with, so the runner stops it where Lambda would.
  const specs = new Map(allFunctions().map((spec) => [spec.key, spec]));
  const byArn = new Map<string, LocalFunction>(
    Object.entries(functionArns).map(([key, arn]) => {
      const spec = specs.get(key);
      if (!spec) throw new Error(`infra defines no function for the workflow task ${key}`);
      return [
        arn,
        { handler: handlers[key as TaskFunctionKey], timeoutSeconds: timeoutSeconds(spec, plans) },
      ];
    }),
  );
  models.sfn.register(
    stateMachineArns.failover,
    new LocalWorkflowRunner(
      failoverDefinition(functionArns),
      byArn,
      estate.clock,
      estate.random,
      models.sfn.tokens,
    ),
  );
  models.sfn.register(
    stateMachineArns.failback,
    new LocalWorkflowRunner(
      failbackDefinition(functionArns),
      byArn,
      estate.clock,
      estate.random,
      models.sfn.tokens,
    ),
  );

  const detectorClients = clientProvider(estate, roles.detector);
  const detectorDeps: DetectorHandlerDeps = {
    ...taskDeps,
    clients: detectorClients,
    actor: roles.detector,
    workflows: new StepFunctionsStarter(detectorClients, region, stateMachineArns),
  };
  const invoke = (deps: DetectorHandlerDeps, event: unknown) => {
    const detector = createDetectAlarmHandler(() => deps);
    return estate.clock.busy(
      () => detector(event, lambdaContext("kirikae-detect-alarm")) as Promise<DetectorResult>,
    );
  };
  const fencing = createFenceReturnedRegionsHandler(() => ({
    ...taskDeps,
    plans,
    region,
    clients: clientProvider(estate, roles.fence),
    actor: roles.fence,
  }));
  const digestRole = `arn:aws:sts::${account}:assumed-role/${functionRoleName(SANDBOX_STAGE, "writeDigests", region)}/kirikae-write-digests`;
  const digestClients = clientProvider(estate, digestRole);
  const scheduledDigests = createWriteDigestsHandler(() => ({
    ...taskDeps,
    actor: digestRole,
    writeDigest: digestWriter(digestConfig(region), {
      clients: digestClients,
      audit,
      clock: estate.clock,
      actor: digestRole,
    }).writeDigest,
  }));
  const linkerClients = clientProvider(estate, linkerRole);
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

function taskHandlers(deps: TaskDeps): Record<TaskFunctionKey, LocalHandler> {
  const source = () => deps;
  return {
    acceptRequest: createAcceptRequestHandler(source),
    confirmSignal: createConfirmSignalHandler(source),
    precheck: createPrecheckHandler(source),
    requestApproval: createRequestApprovalHandler(source),
    promoteDatabase: createPromoteDatabaseHandler(source),
    scaleNodegroups: createScaleNodegroupsHandler(source),
    scaleDownNodegroups: createScaleDownNodegroupsHandler(source),
    switchTraffic: createSwitchTrafficHandler(source),
    verifyRecovery: createVerifyRecoveryHandler(source),
    completeWorkflow: createCompleteWorkflowHandler(source),
    abortWorkflow: createAbortWorkflowHandler(source),
  } as Record<TaskFunctionKey, LocalHandler>;
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
