import { createHash } from "node:crypto";
import type { ResourceRecordSet } from "@aws-sdk/client-route-53";
import { computeViews, databaseViews, dnsViews } from "../core/blocks/block-views.js";
import type { Plan } from "../core/plan/schema.js";
import {
  GATE_CLOSED_BODY,
  GATE_METRIC,
  GATE_OPEN_BODY,
  gateAlarmName,
  gateDimensions,
  gateObjectKey,
  gateRegion,
} from "../core/traffic/gates.js";
import { zoneNameOf } from "../core/traffic/zone-name.js";
import {
  APP_NAME,
  detectorFailureQueueName,
  digestBucketName,
  digestKeyAlias,
  forwardRuleName,
  functionName,
} from "../infra/names.js";
import { alarmEventPattern } from "../infra/topology.js";
import { stepKindOf } from "../steps/registry.js";
import { modelledTimings } from "./critical-path.js";
import { SandboxEstate } from "./estate.js";
import { SandboxIam } from "./iam/sandbox-iam.js";
import { type Latencies, type LatencyOverrides, resolveLatencies } from "./latencies.js";
import { probeSitesOf, SandboxHttpProbe } from "./sandbox-http-probe.js";
import type { SandboxCall } from "./service-model.js";
import { ArcClusterModel, type ArcClusterSeed } from "./services/arc-cluster-model.js";
import { AutoScalingModel } from "./services/autoscaling-model.js";
import { CloudTrailModel } from "./services/cloudtrail-model.js";
import { CloudWatchModel, type CloudWatchSeed } from "./services/cloudwatch-model.js";
import { EcsModel } from "./services/ecs-model.js";
import { EksModel, type EksSeed, type EksTimings } from "./services/eks-model.js";
import { ElasticsearchModel } from "./services/elasticsearch-model.js";
import { EventBridgeModel, type EventBridgeSeed } from "./services/eventbridge-model.js";
import { KmsModel, type KmsSeed } from "./services/kms-model.js";
import { KubernetesModel, type KubernetesSeed, type KubernetesTimings } from "./services/kubernetes-model.js";
import { LambdaModel } from "./services/lambda-model.js";
import { RdsModel, type RdsSeed, type RdsTimings } from "./services/rds-model.js";
import type { FencingTimings } from "./services/rds-write-history.js";
import { Route53Model, type Route53Seed } from "./services/route53-model.js";
import { S3Model, type S3Seed } from "./services/s3-model.js";
import { SfnModel } from "./services/sfn-model.js";
import { SqsModel, type SqsSeed } from "./services/sqs-model.js";
import { VeleroModel } from "./services/velero-model.js";
import type { VirtualClock } from "./virtual-clock.js";

export interface EstateModels {
  rds: RdsModel;
  route53: Route53Model;
  arc: ArcClusterModel;
  s3: S3Model;
  /** Each control-plane region's digest signing key. */
  kms: KmsModel;
  /** Each control-plane region's detector dead-letter queue. */
  sqs: SqsModel;
  eks: EksModel;
  /** Each cluster's Kubernetes API (nodes, Deployments, pods): not an AWS API, so not in the estate. */
  kubernetes: KubernetesModel;
  cloudwatch: CloudWatchModel;
  cloudtrail: CloudTrailModel;
  sfn: SfnModel;
  eventbridge: EventBridgeModel;
  /** Auto Scaling groups of the plans' auto-scaling-group blocks. */
  autoscaling: AutoScalingModel;
  /** ECS services of the plans' ecs-service blocks. */
  ecs: EcsModel;
  /** The plans' lambda blocks' functions, run in process (registerSeedCustomSteps for the seed ones). */
  lambda: LambdaModel;
  /** Velero in each EKS cluster, for the seed Velero restore: not an AWS API, so not in the estate. */
  velero: VeleroModel;
  /** Search domains, for the seed Elasticsearch restore: their REST API is no AWS API either. */
  elasticsearch: ElasticsearchModel;
}

export interface BuiltEstate {
  estate: SandboxEstate;
  models: EstateModels;
  /** The latency table the models run with. */
  latencies: Latencies;
  /** The plans' applications as users reach them, for http-probe blocks (DNS answer, region, writer). */
  httpProbe: SandboxHttpProbe;
  /** What authorises every call before its model answers it; the control plane attaches its roles' policies. */
  iam: SandboxIam;
}

/** The stage the sandbox control plane is deployed as (SANDBOX_STAGE), named here without importing it. */
const DEFAULT_SANDBOX_STAGE = "sandbox";

export interface BuildEstateOptions {
  clock?: VirtualClock;
  /** Overrides of sandbox/latencies.ts's table; the per-model timings below still win over them. */
  latencies?: LatencyOverrides;
  seed?: number;
  rdsTimings?: Partial<RdsTimings>;
  /** How long an old primary takes writes after its region returns, and how long its rebuild takes. */
  fencing?: Partial<FencingTimings>;
  /** Replication lag of every secondary at the start, in ms (Aurora: typically under a second). */
  replicationLagMs?: number;
  cloudTrailDeliveryDelayMs?: number;
  eksTimings?: Partial<EksTimings>;
  kubernetesTimings?: Partial<KubernetesTimings>;
  /** The control plane's stage, whose detector the seeded alarm rules target (default the sandbox's). */
  stage?: string;
  /** The digest buckets' default COMPLIANCE retention (infra's digestRetentionDays; default 400). */
  digestRetentionDays?: number;
}

/**
 * The two-region estate a plan describes, as it stands before any incident: the active region's cluster
 * is writer, DNS points at it, its nodegroups run at active size and the standby's at standby size,
 * and EventBridge rules carry the plan's alarms to the detector in the standby region, as deployed.
 */
export function buildEstate(plans: readonly Plan[], options: BuildEstateOptions = {}): BuiltEstate {
  const estate = new SandboxEstate({
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  const latencies = resolveLatencies(options.latencies);
  const timings = modelledTimings(latencies);
  const rds = new RdsModel(
    estate,
    rdsSeed(plans.flatMap(databaseViews), options.replicationLagMs ?? 800),
    { ...timings.rds, ...options.rdsTimings },
    options.fencing,
  );
  const kubernetes = new KubernetesModel(estate.clock, kubernetesSeed(plans.flatMap(computeViews)), {
    podStartMs: latencies.podReady,
    ...options.kubernetesTimings,
  });
  const eks = new EksModel(
    estate,
    eksSeed(plans.flatMap(computeViews)),
    { ...timings.eks, ...options.eksTimings },
    kubernetes,
  );
  const cloudwatch = new CloudWatchModel(
    estate,
    {
      alarms: plans.flatMap((plan) => [
        ...plan.triggers.alarms.map((alarm) => ({ ...alarm, accountId: accountOf(plan) })),
        ...dnsViews(plan).flatMap(gateAlarms),
      ]),
    },
    rds,
    latencies.alarmEvaluation,
  );
  const arc = new ArcClusterModel(estate, arcSeed(plans.flatMap(dnsViews)), {
    healthCheckPropagationMs: latencies.gatePropagationArcRoutingControl,
  });
  const stage = options.stage ?? DEFAULT_SANDBOX_STAGE;
  const s3 = new S3Model(estate, s3Seed(plans.flatMap(dnsViews), stage, options.digestRetentionDays ?? 400));
  const kms = new KmsModel(kmsSeed(plans, stage));
  const sqs = new SqsModel(estate, sqsSeed(plans, stage));
  const route53 = new Route53Model(
    estate,
    route53Seed(plans.flatMap(dnsViews)),
    {
      changePropagationMs: latencies.route53ChangePropagation,
      fastIntervalMs: latencies.fastHealthCheckInterval,
      alarmHealthCheckLagMs: latencies.alarmHealthCheckLag,
    },
    {
      alarmOkAt: (region, name, atMs) => cloudwatch.publishedAlarmOkAt(region, name, atMs),
      routingControlOn: (arn) => arc.healthCheckSaysOn(arn),
      objectBodyAt: (bucket, key, atMs) => s3.bodyAt(bucket, key, atMs),
    },
  );
  const cloudtrail = new CloudTrailModel(estate, {
    deliveryDelayMs: options.cloudTrailDeliveryDelayMs ?? latencies.cloudTrailDelivery,
  });
  const sfn = new SfnModel(estate.clock);
  const eventbridge = new EventBridgeModel(eventBridgeSeed(plans, options.stage ?? DEFAULT_SANDBOX_STAGE));
  // Issue 13's blocks. The plan schema for them is being written: the estate builder fills these from
  // the plans' auto-scaling-group, ecs-service and lambda blocks (autoscaling.addGroup, ecs.addService,
  // lambda.register / registerSeedCustomSteps, velero.addBackup, elasticsearch.addDomain / addSnapshot).
  const autoscaling = new AutoScalingModel(estate, { instanceInServiceMs: latencies.asgInstanceInService });
  const ecs = new EcsModel(estate, { taskRunningMs: latencies.ecsTaskRunning });
  const lambda = new LambdaModel(estate);
  const velero = new VeleroModel(estate.clock);
  const elasticsearch = new ElasticsearchModel(estate.clock);
  for (const model of [
    rds,
    route53,
    arc,
    s3,
    kms,
    sqs,
    eks,
    cloudwatch,
    cloudtrail,
    sfn,
    eventbridge,
    autoscaling,
    ecs,
    lambda,
  ]) {
    estate.register(model);
  }
  const models: EstateModels = {
    rds,
    route53,
    arc,
    s3,
    kms,
    sqs,
    eks,
    kubernetes,
    cloudwatch,
    cloudtrail,
    sfn,
    eventbridge,
    autoscaling,
    ecs,
    lambda,
    velero,
    elasticsearch,
  };
  // Each kind of block seeds its own resources (steps/registry.ts), as they stand before any incident.
  for (const plan of plans) {
    for (const block of plan.recovery.blocks) {
      // biome-ignore lint/suspicious/noExplicitAny: the registry pairs each kind with its own block type.
      (stepKindOf(block).seed as ((...args: any[]) => void) | undefined)?.(block, plan, {
        estate,
        models,
        account: accountOf(plan),
      });
    }
  }
  const iam = new SandboxIam({
    kmsKey: (region, keyId) => kms.key(region, keyId),
    nodegroupArn: (region, cluster, nodegroup) => eks.nodegroupArn(region, cluster, nodegroup),
    modelResources: (call) =>
      (estate.model(call.service) as { iamResources?: (call: SandboxCall) => string[] }).iamResources?.(call),
  });
  estate.authorizeWith((call) => iam.authorize(call));

  const [observed] = plans;
  if (observed) {
    estate.observe({
      writerRegion: () => rds.writerOf(observed.database.globalClusterIdentifier)?.region,
      trafficRegion: () => trafficRegion(observed, route53),
    });
  }
  return {
    estate,
    models,
    latencies,
    iam,
    httpProbe: new SandboxHttpProbe(estate, route53, rds, plans.flatMap(probeSitesOf)),
  };
}

/** The region whose endpoint Route 53 answers with for the plan's first record. */
export function trafficRegion(plan: Plan, route53: Route53Model): string | undefined {
  const [record] = plan.dns.records;
  if (!record) return undefined;
  const answer = route53.answer(plan.dns.hostedZoneId, record.name, record.type).map(normalise);
  return plan.regions.find((region) => {
    const value = record.targets[region]?.value;
    return value !== undefined && answer.includes(normalise(value));
  });
}

export function accountOf(plan: Plan): string {
  return Object.values(plan.database.members)[0]?.split(":")[4] ?? "111122223333";
}

function rdsSeed(plans: readonly Plan[], lagMs: number): RdsSeed {
  return {
    globalClusters: plans.map((plan) => ({
      identifier: plan.database.globalClusterIdentifier,
      engine: "aurora-postgresql",
      members: plan.regions.map((region) => ({
        arn: plan.database.members[region] ?? "",
        region,
        isWriter: region === plan.activeRegion,
        replicationLagMs: region === plan.activeRegion ? 0 : lagMs,
      })),
    })),
  };
}

function route53Seed(plans: readonly Plan[]): Route53Seed {
  return {
    hostedZones: plans.map((plan) => ({
      id: plan.dns.hostedZoneId,
      name: `${zoneNameOf(plan)}.`,
      records: plan.dns.records.flatMap((record) =>
        plan.regions.map((region): ResourceRecordSet => {
          const target = record.targets[region];
          const active = region === plan.activeRegion;
          return {
            Name: `${record.name}.`,
            Type: record.type,
            SetIdentifier: target?.setIdentifier ?? region,
            ...(target?.alias
              ? {
                  AliasTarget: {
                    HostedZoneId: target.alias.hostedZoneId,
                    DNSName: target.alias.dnsName,
                    EvaluateTargetHealth: target.alias.evaluateTargetHealth,
                  },
                }
              : { TTL: record.ttlSeconds, ResourceRecords: [{ Value: target?.value ?? "" }] }),
            ...recordHealthCheck(plan, region, target?.healthCheckId),
            ...(plan.dns.routing === "failover"
              ? { Failover: active ? "PRIMARY" : "SECONDARY" }
              : { Weight: active ? plan.dns.activeWeight : 0 }),
          };
        }),
      ),
    })),
    healthChecks: plans.flatMap((plan) => [
      ...plan.dns.records.flatMap((record) =>
        plan.regions.flatMap((region) => {
          const target = record.targets[region];
          return target?.healthCheckId ? [{ id: target.healthCheckId, region, fqdn: target.value }] : [];
        }),
      ),
      ...gateHealthChecks(plan),
    ]),
  };
}

/**
 * With gates, each region's failover record carries its gate's health check, as infra creates it; without
 * them, the endpoint's own health check.
 */
function recordHealthCheck(plan: Plan, region: string, endpointCheck: string | undefined) {
  if (plan.dns.gates !== undefined) return { HealthCheckId: gateHealthCheckId(plan, region) };
  return endpointCheck ? { HealthCheckId: endpointCheck } : {};
}

function gateHealthChecks(plan: Plan): Route53Seed["healthChecks"] {
  const gates = plan.dns.gates;
  if (gates === undefined) return [];
  return plan.regions.map((region) => ({
    id: gateHealthCheckId(plan, region),
    region,
    ...(gates.kind === "arc-routing-control"
      ? { routingControlArn: gates.routingControls[region] ?? "" }
      : gates.kind === "s3-object"
        ? {
            object: {
              region: gateRegion(plan),
              bucket: gates.bucket,
              key: gateObjectKey(plan, region),
              search: GATE_OPEN_BODY,
            },
          }
        : { alarm: { region: gateRegion(plan), name: gateAlarmName(plan, region) } }),
  }));
}

/** The gate buckets of "s3-object" plans, their objects written as deployed: open for the active region. */
/**
 * The gates' buckets, and per control-plane region (each region of a plan) the audit digests' bucket as
 * infra creates it: Object Lock on, COMPLIANCE by default, overwrite and delete denied by its policy.
 */
function s3Seed(plans: readonly Plan[], stage: string, digestRetentionDays: number): S3Seed {
  const digestBuckets = unique(
    plans.flatMap((plan) => plan.regions.map((region) => `${accountOf(plan)}|${region}`)),
  ).map((entry) => {
    const [account = "", region = ""] = entry.split("|");
    return {
      name: digestBucketName(stage, account, region),
      region,
      objectLock: { defaultRetentionDays: digestRetentionDays, denyOverwriteAndDelete: true },
    };
  });
  return {
    buckets: [
      ...digestBuckets,
      ...plans.flatMap((plan) => {
        const gates = plan.dns.gates;
        if (gates?.kind !== "s3-object") return [];
        return [
          {
            name: gates.bucket,
            region: gateRegion(plan),
            objects: Object.fromEntries(
              plan.regions.map((region) => [
                gateObjectKey(plan, region),
                region === plan.activeRegion ? GATE_OPEN_BODY : GATE_CLOSED_BODY,
              ]),
            ),
          },
        ];
      }),
    ],
  };
}

/** One digest signing key per control-plane region, under the alias infra gives it. */
function kmsSeed(plans: readonly Plan[], stage: string): KmsSeed {
  const seen = new Set<string>();
  const keys: KmsSeed["keys"] = [];
  for (const plan of plans) {
    for (const region of plan.regions) {
      const account = accountOf(plan);
      if (seen.has(`${account}|${region}`)) continue;
      seen.add(`${account}|${region}`);
      keys.push({ region, account, alias: digestKeyAlias(stage) });
    }
  }
  return { keys };
}

/** The detector's dead-letter queue in every region that may run a control plane, as infra/triggers.ts makes it. */
function sqsSeed(plans: readonly Plan[], stage: string): SqsSeed {
  const seen = new Set<string>();
  const queues: SqsSeed["queues"] = [];
  for (const plan of plans) {
    const account = accountOf(plan);
    for (const region of plan.regions) {
      if (seen.has(`${account}|${region}`)) continue;
      seen.add(`${account}|${region}`);
      // infra keeps dead letters 14 days, SQS's longest retention.
      queues.push({
        region,
        account,
        name: detectorFailureQueueName(stage),
        retentionSeconds: 14 * 24 * 3600,
      });
    }
  }
  return { queues };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** The gate alarms of a "cloudwatch-alarm" plan, open for the active region, as deployed. */
function gateAlarms(plan: Plan): CloudWatchSeed["alarms"] {
  if (plan.dns.gates?.kind !== "cloudwatch-alarm") return [];
  return plan.regions.map((region) => ({
    name: gateAlarmName(plan, region),
    region: gateRegion(plan),
    accountId: accountOf(plan),
    namespace: GATE_METRIC.namespace,
    metricName: GATE_METRIC.metricName,
    dimensions: gateDimensions(plan, region),
    published: { initialValue: region === plan.activeRegion ? 1 : 0, threshold: 1 },
  }));
}

function arcSeed(plans: readonly Plan[]): ArcClusterSeed {
  return {
    routingControls: plans.flatMap((plan) => {
      const gates = plan.dns.gates;
      if (gates?.kind !== "arc-routing-control") return [];
      return plan.regions.map((region) => ({
        arn: gates.routingControls[region] ?? "",
        name: `${plan.name}-${region}`,
        state: region === plan.activeRegion ? ("On" as const) : ("Off" as const),
      }));
    }),
  };
}

/** A stable health check ID per plan and region, in Route 53's 8-4-4-4-12 shape. */
export function gateHealthCheckId(plan: Plan, region: string): string {
  const hex = createHash("sha256").update(`${plan.name}/${region}/gate`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function eksSeed(plans: readonly Plan[]): EksSeed {
  return {
    clusters: plans.flatMap((plan) =>
      plan.compute.clusters.map((cluster) => ({
        name: cluster.name,
        region: cluster.region,
        accountId: accountOf(plan),
        nodegroups: cluster.nodegroups.map((nodegroup) => {
          const size = cluster.region === plan.activeRegion ? nodegroup.activeSize : nodegroup.standbySize;
          return { name: nodegroup.name, minSize: size, maxSize: nodegroup.maxSize, desiredSize: size };
        }),
      })),
    ),
  };
}

/** Nodes at the sizes the nodegroups run at, long Ready; each planned Deployment at its region's count. */
function kubernetesSeed(plans: readonly Plan[]): KubernetesSeed {
  return {
    clusters: plans.flatMap((plan) =>
      plan.compute.clusters.map((cluster) => {
        const active = cluster.region === plan.activeRegion;
        return {
          region: cluster.region,
          name: cluster.name,
          nodegroups: cluster.nodegroups.map((nodegroup) => ({
            name: nodegroup.name,
            nodes: active ? nodegroup.activeSize : nodegroup.standbySize,
          })),
          deployments: cluster.workloads.map((workload) => ({
            namespace: workload.namespace,
            name: workload.name,
            replicas: active ? workload.activeReplicas : workload.standbyReplicas,
          })),
        };
      }),
    ),
  };
}

/**
 * The rules that route each plan's alarms to the detector of the control plane in the standby region
 * (the region a failover activates): a rule there targets the detector, and in every other region that
 * holds one of the plan's alarms (us-east-1 for alarms on Route 53 health checks) a rule forwards the
 * alarm's state changes to the standby region's default event bus.
 */
function eventBridgeSeed(plans: readonly Plan[], stage: string): EventBridgeSeed {
  return {
    rules: plans.flatMap((plan) => {
      const accountId = accountOf(plan);
      const standby = plan.regions.find((region) => region !== plan.activeRegion) ?? plan.activeRegion;
      const alarmsIn = (region?: string) =>
        plan.triggers.alarms.filter((alarm) => region === undefined || alarm.region === region);
      // The same patterns infra deploys: each alarm's name from its own region, going into ALARM.
      const pattern = (alarms: ReturnType<typeof alarmsIn>) => {
        const byRegion = new Map<string, string[]>();
        for (const alarm of alarms)
          byRegion.set(alarm.region, [...(byRegion.get(alarm.region) ?? []), alarm.name]);
        return alarmEventPattern(byRegion);
      };
      const forwarding = [...new Set(alarmsIn().map((alarm) => alarm.region))].filter(
        (region) => region !== standby,
      );
      return [
        {
          region: standby,
          accountId,
          name: `${APP_NAME}-${stage}-${plan.name}-alarms`,
          pattern: pattern(alarmsIn()),
          targets: [
            {
              id: "detector",
              arn: `arn:aws:lambda:${standby}:${accountId}:function:${functionName(stage, "detectAlarm")}`,
            },
          ],
        },
        ...forwarding.map((region) => ({
          region,
          accountId,
          name: forwardRuleName(stage, plan.name),
          pattern: pattern(alarmsIn(region)),
          targets: [{ id: "control-plane", arn: `arn:aws:events:${standby}:${accountId}:event-bus/default` }],
        })),
      ];
    }),
  };
}

function normalise(value: string): string {
  return value.toLowerCase().replace(/\.$/, "");
}
