import type { ResourceRecordSet } from "@aws-sdk/client-route-53";
import type { Plan } from "../core/plan/schema.js";
import { APP_NAME, forwardRuleName, functionName } from "../infra/names.js";
import { SandboxEstate } from "./estate.js";
import { CloudTrailModel } from "./services/cloudtrail-model.js";
import { CloudWatchModel } from "./services/cloudwatch-model.js";
import { EksModel, type EksSeed } from "./services/eks-model.js";
import { EventBridgeModel, type EventBridgeSeed } from "./services/eventbridge-model.js";
import { RdsModel, type RdsSeed, type RdsTimings } from "./services/rds-model.js";
import { Route53Model, type Route53Seed } from "./services/route53-model.js";
import { SfnModel } from "./services/sfn-model.js";
import type { VirtualClock } from "./virtual-clock.js";

export interface EstateModels {
  rds: RdsModel;
  route53: Route53Model;
  eks: EksModel;
  cloudwatch: CloudWatchModel;
  cloudtrail: CloudTrailModel;
  sfn: SfnModel;
  eventbridge: EventBridgeModel;
}

export interface BuiltEstate {
  estate: SandboxEstate;
  models: EstateModels;
}

/** The stage the sandbox control plane is deployed as (SANDBOX_STAGE), named here without importing it. */
const DEFAULT_SANDBOX_STAGE = "sandbox";

export interface BuildEstateOptions {
  clock?: VirtualClock;
  seed?: number;
  rdsTimings?: Partial<RdsTimings>;
  /** Replication lag of every secondary at the start, in ms (Aurora: typically under a second). */
  replicationLagMs?: number;
  cloudTrailDeliveryDelayMs?: number;
  /** The control plane's stage, whose detector the seeded alarm rules target (default the sandbox's). */
  stage?: string;
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
  const rds = new RdsModel(estate, rdsSeed(plans, options.replicationLagMs ?? 800), options.rdsTimings);
  const route53 = new Route53Model(estate, route53Seed(plans));
  const eks = new EksModel(estate, eksSeed(plans));
  const cloudwatch = new CloudWatchModel(
    estate,
    {
      alarms: plans.flatMap((plan) =>
        plan.triggers.alarms.map((alarm) => ({ ...alarm, accountId: accountOf(plan) })),
      ),
    },
    rds,
  );
  const cloudtrail = new CloudTrailModel(estate, {
    ...(options.cloudTrailDeliveryDelayMs === undefined
      ? {}
      : { deliveryDelayMs: options.cloudTrailDeliveryDelayMs }),
  });
  const sfn = new SfnModel(estate.clock);
  const eventbridge = new EventBridgeModel(eventBridgeSeed(plans, options.stage ?? DEFAULT_SANDBOX_STAGE));
  for (const model of [rds, route53, eks, cloudwatch, cloudtrail, sfn, eventbridge]) estate.register(model);

  const [observed] = plans;
  if (observed) {
    estate.observe({
      writerRegion: () => rds.writerOf(observed.database.globalClusterIdentifier)?.region,
      trafficRegion: () => trafficRegion(observed, route53),
    });
  }
  return { estate, models: { rds, route53, eks, cloudwatch, cloudtrail, sfn, eventbridge } };
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
      name: zoneNameOf(plan),
      records: plan.dns.records.flatMap((record) =>
        plan.regions.map((region): ResourceRecordSet => {
          const target = record.targets[region];
          const active = region === plan.activeRegion;
          return {
            Name: `${record.name}.`,
            Type: record.type,
            SetIdentifier: target?.setIdentifier ?? region,
            TTL: record.ttlSeconds,
            ResourceRecords: [{ Value: target?.value ?? "" }],
            ...(target?.healthCheckId ? { HealthCheckId: target.healthCheckId } : {}),
            ...(plan.dns.routing === "failover"
              ? { Failover: active ? "PRIMARY" : "SECONDARY" }
              : { Weight: active ? plan.dns.activeWeight : 0 }),
          };
        }),
      ),
    })),
    healthChecks: plans.flatMap((plan) =>
      plan.dns.records.flatMap((record) =>
        plan.regions.flatMap((region) => {
          const target = record.targets[region];
          return target?.healthCheckId ? [{ id: target.healthCheckId, region, fqdn: target.value }] : [];
        }),
      ),
    ),
  };
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
      const pattern = (alarms: ReturnType<typeof alarmsIn>) => ({
        source: ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        detail: { alarmName: alarms.map((alarm) => alarm.name) },
      });
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

/** The zone apex: the records' common parent (app.example.com -> example.com). */
function zoneNameOf(plan: Plan): string {
  const [first] = plan.dns.records;
  return `${first ? first.name.split(".").slice(1).join(".") : "example.com"}.`;
}

function normalise(value: string): string {
  return value.toLowerCase().replace(/\.$/, "");
}
