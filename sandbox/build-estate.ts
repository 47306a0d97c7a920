import type { ResourceRecordSet } from "@aws-sdk/client-route-53";
import type { Plan } from "../core/plan/schema.js";
import { SandboxEstate } from "./estate.js";
import { CloudTrailModel } from "./services/cloudtrail-model.js";
import { CloudWatchModel } from "./services/cloudwatch-model.js";
import { EksModel, type EksSeed } from "./services/eks-model.js";
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
}

export interface BuiltEstate {
  estate: SandboxEstate;
  models: EstateModels;
}

export interface BuildEstateOptions {
  clock?: VirtualClock;
  seed?: number;
  rdsTimings?: Partial<RdsTimings>;
  /** Replication lag of every secondary at the start, in ms (Aurora: typically under a second). */
  replicationLagMs?: number;
  cloudTrailDeliveryDelayMs?: number;
}

/**
 * The two-region estate a plan describes, as it stands before any incident: the active region's cluster
 * is writer, DNS points at it, its nodegroups run at active size and the standby's at standby size.
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
  for (const model of [rds, route53, eks, cloudwatch, cloudtrail, sfn]) estate.register(model);

  const [observed] = plans;
  if (observed) {
    estate.observe({
      writerRegion: () => rds.writerOf(observed.database.globalClusterIdentifier)?.region,
      trafficRegion: () => trafficRegion(observed, route53),
    });
  }
  return { estate, models: { rds, route53, eks, cloudwatch, cloudtrail, sfn } };
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

/** The zone apex: the records' common parent (app.example.com -> example.com). */
function zoneNameOf(plan: Plan): string {
  const [first] = plan.dns.records;
  return `${first ? first.name.split(".").slice(1).join(".") : "example.com"}.`;
}

function normalise(value: string): string {
  return value.toLowerCase().replace(/\.$/, "");
}
