import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { Plan } from "../core/plan/schema.js";
import {
  detectorFailureAlarms,
  readinessAlarm,
  scheduledFunctionErrorAlarm,
  triggerAlarms,
} from "./alarms.js";
import { digestStore } from "./audit-digests.js";
import { auditGapAlarms } from "./audit-gap-alarms.js";
import { cachedBundler, type HandlerBundler } from "./bundling.js";
import { DEFAULT_DIGEST_RETENTION_DAYS } from "./deploy-config.js";
import { allFunctions } from "./function-catalog.js";
import { regionFunctions } from "./functions.js";
import { trafficGates } from "./gates.js";
import { kubernetesAccess } from "./kubernetes-access.js";
import {
  assertStageName,
  assertStateMachineNames,
  detectorFailureQueueUrl,
  digestBucketName,
  digestKeyAlias,
  pascalCase,
  type WorkflowKind,
} from "./names.js";
import { notificationTopic } from "./notifications.js";
import { regionProviders } from "./providers.js";
import { onCallFailbackPolicy } from "./service-grants.js";
import { auditTableResource, type StateConsistency, stateTableResource } from "./tables.js";
import { topologyOf } from "./topology.js";
import { alarmRouting, detectorRetries, regionSchedules } from "./triggers.js";
import { regionWorkflows } from "./workflows.js";

export interface ControlPlaneArgs {
  stage: string;
  plans: readonly Plan[];
  /** The region of the stage's default provider: where the state table's own (non-replica) copy lives. */
  homeRegion: string;
  bundler: HandlerBundler;
  notifyEmails?: readonly string[];
  stateConsistency?: StateConsistency;
  /** The one role the audit tables' guard lets change or remove them (infra/deploy-config.ts). */
  breakGlassRoleArn?: string;
  /** COMPLIANCE retention of the audit digests, in days (infra/deploy-config.ts; default 400). */
  digestRetentionDays?: number;
  /** A named AWS profile for the regional providers, when credentials come from one. */
  profile?: string;
}

export interface RegionOutputs {
  /** The ARNs of the region's state machines, by plan name, then by kind. */
  stateMachines: Record<string, Record<WorkflowKind, pulumi.Output<string>>>;
  topicArn: pulumi.Output<string>;
  functions: Record<string, pulumi.Output<string>>;
}

export interface ControlPlaneOutputs {
  regions: Record<string, RegionOutputs>;
  /** The IAM policy to attach to the on-call role (JSON), for failback from the console. */
  onCallFailbackPolicy: pulumi.Output<string>;
}

/** The scheduled functions whose failed runs page someone, and what a failed run means. */
const SCHEDULED_FAILURES: Readonly<Record<string, string>> = {
  writeDigests:
    "the hourly digest writer failed: a plan's audit chain has no signed digest for this hour; see audit.digest-failed in the trail and the function's log, the next run tries again",
  linkEvidence:
    "the evidence linker failed: alarm events the detector gave up on may still be only in its dead-letter queue; see the function's log, the next run tries again",
};

/**
 * A stage's whole control plane: one per region of its plans (functions, state machines, audit table,
 * topic, schedules, readiness alarms), the shared state table, and the alarm routing to each plan's
 * recovery region. sst.config.ts calls this from run(); the offline tests call it under Pulumi's mocks.
 */
export function controlPlane(args: ControlPlaneArgs): ControlPlaneOutputs {
  assertStageName(args.stage);
  const { stage, plans } = args;
  // Before any resource: a plan whose machines cannot be named would otherwise fail halfway through.
  for (const plan of plans) assertStateMachineNames(stage, plan.name);
  const topology = topologyOf(plans);
  const providers = regionProviders(stage, args.profile);
  const bundle = cachedBundler(args.bundler);
  const account = aws.getCallerIdentityOutput({}, { provider: providers(args.homeRegion) }).accountId;
  const specs = allFunctions(plans);
  const controlSpecs = specs.filter((spec) => spec.trigger.kind !== "workflow-task");
  const digestRetentionDays = args.digestRetentionDays ?? DEFAULT_DIGEST_RETENTION_DAYS;

  const stateTable = stateTableResource({
    stage,
    homeRegion: args.homeRegion,
    regions: topology.regions,
    consistency: args.stateConsistency ?? { mode: "eventual" },
    providers,
  });

  const regions: Record<string, RegionOutputs> = {};
  const detectors = new Map<string, aws.lambda.Function>();
  for (const region of topology.regions) {
    const provider = providers(region);
    const regionPlans = topology.plansIn(region);
    const auditTable = auditTableResource({
      stage,
      region,
      logicalPrefix: pascalCase(region),
      providers,
      ...(args.breakGlassRoleArn ? { breakGlassRoleArn: args.breakGlassRoleArn } : {}),
    });
    const topic = notificationTopic({ stage, region, emails: args.notifyEmails ?? [], provider });
    const common = {
      stage,
      region,
      account,
      plans: regionPlans,
      bundle,
      provider,
      environment: {
        KIRIKAE_STAGE: stage,
        // Each region reads its own replica of the state table; the name is the same everywhere.
        KIRIKAE_STATE_TABLE: stateTable.name,
        KIRIKAE_AUDIT_TABLE: auditTable.name,
        KIRIKAE_TOPIC_ARN: topic.arn,
        // Names, not resources: the key policy names the writers' roles, so the key comes after them.
        KIRIKAE_DIGEST_BUCKET: account.apply((resolved) => digestBucketName(stage, resolved, region)),
        KIRIKAE_DIGEST_KEY: digestKeyAlias(stage),
        KIRIKAE_DIGEST_RETENTION_DAYS: String(digestRetentionDays),
      },
      dependsOn: [stateTable, auditTable, topic],
    };
    // The workflow's own functions and those of the kinds of block this region's plans use.
    const taskSpecs = allFunctions(regionPlans).filter((spec) => spec.trigger.kind === "workflow-task");
    const tasks = regionFunctions({ ...common, specs: taskSpecs });
    const machines = regionWorkflows({
      stage,
      region,
      account,
      plans: regionPlans,
      taskFunctions: tasks,
      provider,
    });
    const controls = regionFunctions({
      ...common,
      specs: controlSpecs,
      // The detector names each plan's machines from the stage, region and account (infra/names.ts), so
      // nothing else ties it to them: this keeps it from existing, and starting executions, before they do.
      dependsOn: [...common.dependsOn, ...[...machines.values()].flatMap((byKind) => Object.values(byKind))],
      environmentFor: {
        // From names: the queue is made after the detector, whose on-failure destination it is.
        linkEvidence: {
          KIRIKAE_DETECTOR_FAILURE_QUEUE_URL: account.apply((resolved) =>
            detectorFailureQueueUrl(region, resolved, stage),
          ),
        },
      },
    });
    digestStore({
      stage,
      region,
      account,
      retentionDays: digestRetentionDays,
      provider,
      dependsOn: [...tasks.values(), ...controls.values()],
    });
    const detector = controls.get("detectAlarm");
    if (detector) {
      detectors.set(region, detector);
      const deadLetters = detectorRetries({ stage, region, detector, provider });
      detectorFailureAlarms({ stage, region, detector, deadLetters, topicArn: topic.arn, provider });
    }
    regionSchedules({ stage, region, specs: controlSpecs, functions: controls, provider });
    for (const [key, meaning] of Object.entries(SCHEDULED_FAILURES)) {
      const fn = controls.get(key);
      if (fn) scheduledFunctionErrorAlarm({ stage, region, key, fn, meaning, topicArn: topic.arn, provider });
    }
    auditGapAlarms({
      stage,
      region,
      functions: new Map([...tasks, ...controls]),
      topicArn: topic.arn,
      provider,
    });
    for (const plan of regionPlans) readinessAlarm({ stage, region, plan, topicArn: topic.arn, provider });
    regions[region] = {
      stateMachines: Object.fromEntries(
        [...machines].map(([plan, byKind]) => [
          plan,
          { failover: byKind.failover.arn, failback: byKind.failback.arn },
        ]),
      ),
      topicArn: topic.arn,
      functions: Object.fromEntries([...tasks, ...controls].map(([key, fn]) => [key, fn.name])),
    };
  }

  alarmRouting({
    stage,
    account,
    routes: topology.routes,
    detectors,
    providers,
    homeRegion: args.homeRegion,
  });
  triggerAlarms(stage, plans, providers);
  // Made now, through the control planes, so that a failover only flips them, through regional endpoints.
  trafficGates(stage, plans, providers);
  kubernetesAccess({ stage, plans, account, providers });

  return {
    regions,
    onCallFailbackPolicy: account.apply((resolved) =>
      JSON.stringify(onCallFailbackPolicy(stage, resolved, plans), null, 2),
    ),
  };
}
