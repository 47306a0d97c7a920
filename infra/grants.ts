import { DIGEST_PREFIX } from "../core/audit/digest-bytes.js";
import { databaseViews, dnsViews } from "../core/blocks/block-views.js";
import type { Plan } from "../core/plan/schema.js";
import { REPORT_PREFIX } from "../core/report/write-run-report.js";
import { GATE_METRIC, gateObjectKey, gateRegion, trafficMode } from "../core/traffic/gates.js";
import { autoScalingGroupStatements } from "../steps/auto-scaling-group.js";
import { ecsServiceStatements } from "../steps/ecs-service.js";
import { taskFunction } from "../steps/registry.js";
import { type Capability, functionAccess } from "./access.js";
import {
  detectorFailureQueueArn,
  digestBucketName,
  digestKeyAlias,
  functionLogGroupName,
  partitionOf,
  pascalCase,
  readinessMetric,
  stateMachineArn,
  tableArn,
  topicArn,
  type WorkflowKind,
} from "./names.js";
import { auditTable, stateTable } from "./table-definitions.js";
import { recoveryRegion } from "./topology.js";

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  /** Resource policies only. */
  Principal?: "*" | Record<string, string[]>;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** One function's place: the stage, the region it runs in, the account, and the plans that region serves. */
export interface GrantScope {
  stage: string;
  region: string;
  account: string;
  plans: readonly Plan[];
}

/** Route 53 is global; its API (and CloudTrail's record of it) is in us-east-1. */
const ROUTE53_REGION = "us-east-1";

/** Where the digest writers put, read and list digests: only under the digest prefix. */
const DIGEST_OBJECTS = `${DIGEST_PREFIX}*`;

export function accessOf(functionKey: string): readonly Capability[] {
  const access = taskFunction(functionKey)?.access ?? functionAccess[functionKey];
  if (access === undefined) {
    throw new Error(
      `function ${functionKey} has no access declared in infra/access.ts: list the capabilities its code uses before deploying it`,
    );
  }
  return access;
}

/** The execution role's policy of one function: its log stream, then exactly its capabilities. */
export function functionPolicy(functionKey: string, scope: GrantScope): PolicyDocument {
  const logGroup = `arn:${partitionOf(scope.region)}:logs:${scope.region}:${scope.account}:log-group:${functionLogGroupName(scope.stage, functionKey)}`;
  const statements: PolicyStatement[] = [
    // The log group is created by infra, so the function needs no logs:CreateLogGroup.
    allow("WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [`${logGroup}:*`]),
    ...accessOf(functionKey).flatMap((capability) => grant(capability, scope)),
    // A kind of block's own statements (an Auto Scaling group, an ECS service, a custom Lambda).
    ...(taskFunction(functionKey)?.statements?.(scope) ?? []),
  ];
  return {
    Version: "2012-10-17",
    Statement: statements.filter((statement) => statement.Resource.length > 0),
  };
}

function grant(capability: Capability, scope: GrantScope): PolicyStatement[] {
  // A plan of blocks may have several databases, zones and clusters: grant on every one of them.
  return grantOn(capability, {
    ...scope,
    databasePlans: scope.plans.flatMap(databaseViews),
    dnsPlans: scope.plans.flatMap(dnsViews),
  });
}

/**
 * Past this many nodegroups a cluster's grant names the cluster's nodegroups by wildcard: IAM holds the
 * sum of a role's inline policies to 10,240 characters, whitespace not counted (IAM User Guide, "IAM and
 * AWS STS quotas", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length), and a plan of
 * hundreds of nodegroups listed one by one would be refused at deploy. The wildcard still stops at the
 * plan's own cluster.
 */
const NODEGROUPS_NAMED_ONE_BY_ONE = 10;

/** The ARNs a grant on a cluster's nodegroups names; EKS appends a generated ID to a nodegroup's ARN. */
function nodegroupResources(
  cluster: { region: string; name: string; nodegroups: readonly { name: string }[] },
  partition: string,
  account: string,
): string[] {
  const base = `arn:${partition}:eks:${cluster.region}:${account}:nodegroup/${cluster.name}`;
  if (cluster.nodegroups.length > NODEGROUPS_NAMED_ONE_BY_ONE) return [`${base}/*`];
  return cluster.nodegroups.map((nodegroup) => `${base}/${nodegroup.name}/*`);
}

function grantOn(
  capability: Capability,
  scope: GrantScope & { databasePlans: readonly Plan[]; dnsPlans: readonly Plan[] },
): PolicyStatement[] {
  const { stage, region, account, plans } = scope;
  const p = partitionOf(region);
  const state = tableArn(region, account, stage, stateTable.logicalName);
  const audit = tableArn(region, account, stage, auditTable.logicalName);
  const planRegions = unique(plans.flatMap((plan) => plan.regions));
  const alarms = plans.flatMap((plan) => plan.triggers.alarms);
  const clusters = plans.flatMap((plan) => plan.compute.clusters);
  const nodegroupArns = unique(clusters.flatMap((cluster) => nodegroupResources(cluster, p, account)));
  const globalClusterArns = unique(
    scope.databasePlans.map(
      (plan) => `arn:${p}:rds::${account}:global-cluster:${plan.database.globalClusterIdentifier}`,
    ),
  );
  const memberArns = unique(scope.databasePlans.flatMap((plan) => Object.values(plan.database.members)));
  switch (capability) {
    case "state.read":
      return [allow("ReadPlanState", ["dynamodb:GetItem"], [state])];
    case "state.update":
      return [allow("UpdatePlanState", ["dynamodb:UpdateItem"], [state])];
    case "audit.append":
      return [allow("AppendAuditRecords", ["dynamodb:Query", "dynamodb:PutItem"], [audit])];
    case "audit.query":
      return [
        allow(
          "QueryAuditTrail",
          ["dynamodb:Query"],
          [audit, ...auditTable.globalSecondaryIndexes.map((index) => `${audit}/index/${index.name}`)],
        ),
      ];
    case "notify":
      return [allow("Notify", ["sns:Publish"], [topicArn(region, account, stage)])];
    case "alarms.describe":
      return [
        allow(
          "DescribeTriggerAlarms",
          ["cloudwatch:DescribeAlarms"],
          unique(alarms.map((alarm) => `arn:${p}:cloudwatch:${alarm.region}:${account}:alarm:${alarm.name}`)),
        ),
      ];
    case "alarms.routes": {
      const busRegions = unique([...alarms.map((alarm) => alarm.region), ...planRegions]);
      return [
        // ListRules and TestEventPattern have no resource-level permissions; the regions bound them.
        allow("FindAlarmRules", ["events:ListRules", "events:TestEventPattern"], ["*"], {
          StringEquals: { "aws:RequestedRegion": busRegions },
        }),
        // Whichever rules match an alarm's event are followed, including ones kirikae did not create.
        allow(
          "ReadAlarmRuleTargets",
          ["events:ListTargetsByRule"],
          busRegions.map((busRegion) => `arn:${p}:events:${busRegion}:${account}:rule/*`),
        ),
      ];
    }
    case "detector.dead-letter":
      return [
        allow(
          "SendFailedAlarmEvents",
          ["sqs:SendMessage"],
          [detectorFailureQueueArn(region, account, stage)],
        ),
      ];
    case "detector.dead-letter-drain":
      return [
        allow(
          "DrainFailedAlarmEvents",
          ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
          [detectorFailureQueueArn(region, account, stage)],
        ),
      ];
    case "workflows.start-failover":
      // Each plan has its own failover machine; the detector starts those of the plans whose alarms are
      // routed to it (infra/topology.ts), the plans this region recovers, each named.
      return [
        allow(
          "StartFailover",
          ["states:StartExecution"],
          plans
            .filter((plan) => recoveryRegion(plan) === region)
            .map((plan) => machineArn(scope, "failover", plan.name)),
        ),
      ];
    case "database.describe":
      return [allow("DescribeGlobalDatabase", ["rds:DescribeGlobalClusters"], globalClusterArns)];
    case "database.probe":
      return [allow("ProbeMemberClusters", ["rds:DescribeDBClusters"], memberArns)];
    case "database.lag":
      return [
        // GetMetricData has no resource-level permissions; only the plans' regions may be asked.
        allow("ReadReplicationLag", ["cloudwatch:GetMetricData"], ["*"], {
          StringEquals: { "aws:RequestedRegion": planRegions },
        }),
      ];
    case "database.promote":
      // Both actions authorise on the global cluster and on the member cluster being promoted.
      return [
        allow(
          "PromoteGlobalDatabase",
          ["rds:SwitchoverGlobalCluster", "rds:FailoverGlobalCluster"],
          [...globalClusterArns, ...memberArns],
        ),
      ];
    case "compute.clusters":
      return [
        allow(
          "DescribeEksClusters",
          ["eks:DescribeCluster", "eks:ListNodegroups"],
          unique(
            clusters.map((cluster) => `arn:${p}:eks:${cluster.region}:${account}:cluster/${cluster.name}`),
          ),
        ),
      ];
    case "compute.nodegroups":
      return [allow("DescribeNodegroups", ["eks:DescribeNodegroup"], nodegroupArns)];
    case "compute.scale":
      return [allow("ScaleNodegroups", ["eks:UpdateNodegroupConfig"], nodegroupArns)];
    case "compute.fence": {
      // Only the home regions of the plans this region is the recovery region of: the regions a
      // data-loss failover out of them leaves behind. A region that recovers no plan gets nothing.
      const homeClusters = plans
        .filter((plan) => plan.activeRegion !== region)
        .flatMap((plan) => plan.compute.clusters.filter((cluster) => cluster.region === plan.activeRegion));
      if (homeClusters.length === 0) return [];
      return [
        allow(
          "ProbeReturningClusters",
          ["eks:DescribeCluster"],
          unique(
            homeClusters.map(
              (cluster) => `arn:${p}:eks:${cluster.region}:${account}:cluster/${cluster.name}`,
            ),
          ),
        ),
        allow(
          "FenceReturningNodegroups",
          ["eks:DescribeNodegroup", "eks:UpdateNodegroupConfig"],
          unique(homeClusters.flatMap((cluster) => nodegroupResources(cluster, p, account))),
        ),
      ];
    }
    case "dns.records":
      return [
        allow("ListPlanRecords", ["route53:ListResourceRecordSets"], hostedZoneArns(scope.dnsPlans, p)),
      ];
    case "dns.change": {
      // A gated plan's records are never edited: only the plans that edit records are named, and a region
      // serving none gets no Route 53 write at all.
      const editing = scope.dnsPlans.filter((plan) => trafficMode(plan) === "record-edits");
      if (editing.length === 0) return [];
      return [
        allow("ListPlanRecords", ["route53:ListResourceRecordSets"], hostedZoneArns(editing, p)),
        ...editing.map((plan) =>
          allow(
            `ChangeRecordsOf${pascalCase(plan.name)}`,
            ["route53:ChangeResourceRecordSets"],
            [`arn:${p}:route53:::hostedzone/${plan.dns.hostedZoneId}`],
            {
              // Only the plan's own records, only as the switch writes them (UPSERT).
              "ForAllValues:StringEquals": {
                "route53:ChangeResourceRecordSetsNormalizedRecordNames": unique(
                  plan.dns.records.map((record) => record.name.toLowerCase().replace(/\.$/, "")),
                ),
                "route53:ChangeResourceRecordSetsRecordTypes": unique(
                  plan.dns.records.map((record) => record.type),
                ),
                "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
              },
            },
          ),
        ),
        // Change IDs are Route 53's to choose, so only their ARN prefix can be named.
        allow("WatchRecordChanges", ["route53:GetChange"], [`arn:${p}:route53:::change/*`]),
      ];
    }
    case "dns.gate-health-checks":
      if (!scope.dnsPlans.some((plan) => trafficMode(plan) === "gates")) return [];
      return [
        // The health check on a gated record is the one kirikae's deploy created, whose ID Route 53 chose,
        // or whatever someone bound there since: readiness reads either to tell which, so this read-only
        // grant names no ID. GetHealthCheck authorises on the healthcheck resource type (Service
        // Authorization Reference, "Actions, resources, and condition keys for Amazon Route 53").
        allow("ReadGateHealthChecks", ["route53:GetHealthCheck"], [`arn:${p}:route53:::healthcheck/*`]),
      ];
    case "traffic.gates":
      return gateStatements(scope.dnsPlans, p);
    case "dns.health":
      return [
        allow(
          "ReadHealthChecks",
          ["route53:GetHealthCheckStatus"],
          unique(
            scope.dnsPlans.flatMap((plan) =>
              plan.dns.records.flatMap((record) =>
                Object.values(record.targets).flatMap((target) =>
                  target.healthCheckId ? [`arn:${p}:route53:::healthcheck/${target.healthCheckId}`] : [],
                ),
              ),
            ),
          ),
        ),
      ];
    case "evidence.lookup":
      return [
        // LookupEvents has no resource-level permissions; the plans' regions (and Route 53's) bound it.
        allow("LookupCloudTrailEvidence", ["cloudtrail:LookupEvents"], ["*"], {
          StringEquals: { "aws:RequestedRegion": unique([...planRegions, ROUTE53_REGION]) },
        }),
      ];
    case "digests.write": {
      const bucket = `arn:${p}:s3:::${digestBucketName(stage, account, region)}`;
      return [
        // By alias: the key's ID is KMS's to choose, and the alias is the deployed one (Key Management
        // Service developer guide, "Use aliases to control access to KMS keys", kms:ResourceAliases).
        allow("SignAuditDigests", ["kms:Sign"], [`arn:${p}:kms:${region}:${account}:key/*`], {
          "ForAnyValue:StringEquals": { "kms:ResourceAliases": [digestKeyAlias(stage)] },
        }),
        allow("ListAuditDigests", ["s3:ListBucket"], [bucket], {
          StringLike: { "s3:prefix": [DIGEST_OBJECTS] },
        }),
        // PutObjectRetention: a put that sets its own retention needs it (S3 user guide, "Using S3 Object Lock").
        allow(
          "WriteAuditDigests",
          ["s3:GetObject", "s3:PutObject", "s3:PutObjectRetention"],
          [`${bucket}/${DIGEST_OBJECTS}`],
        ),
      ];
    }
    case "capacity.describe": {
      // The blocks' own statements, read actions only: readiness never changes a group or a service.
      const reads = new Set(["autoscaling:DescribeAutoScalingGroups", "ecs:DescribeServices"]);
      return [...autoScalingGroupStatements(scope), ...ecsServiceStatements(scope)].flatMap((statement) => {
        const actions = statement.Action.filter((action) => reads.has(action));
        return actions.length === 0 ? [] : [{ ...statement, Sid: `Read${statement.Sid}`, Action: actions }];
      });
    }
    case "reports.write": {
      const bucket = `arn:${p}:s3:::${digestBucketName(stage, account, region)}`;
      return [allow("WriteIncidentReports", ["s3:PutObject"], [`${bucket}/${REPORT_PREFIX}*`])];
    }
    case "readiness.metric":
      return [
        allow("PublishReadinessGaps", ["cloudwatch:PutMetricData"], ["*"], {
          StringEquals: { "cloudwatch:namespace": readinessMetric.namespace, "aws:RequestedRegion": region },
        }),
      ];
  }
}

/** A plan's state machine of `kind` in the scope's region. */
export function machineArn(
  scope: Pick<GrantScope, "stage" | "region" | "account">,
  kind: WorkflowKind,
  plan: string,
): string {
  return stateMachineArn(scope.region, scope.account, scope.stage, kind, plan);
}

/**
 * What flips the gated plans' gates, by kind, as the Service Authorization Reference has each action
 * ("Actions, resources, and condition keys for Amazon S3 / Amazon CloudWatch / Amazon Route 53 Recovery
 * Cluster", docs.aws.amazon.com/service-authorization/latest/reference/):
 *   - s3-object: s3:PutObject authorises on the object (arn:aws:s3:::bucket/key), so exactly the plan's
 *     gate objects are named, one per region;
 *   - cloudwatch-alarm: cloudwatch:PutMetricData has no resource types; the cloudwatch:namespace condition
 *     key holds it to the gates' namespace, and aws:RequestedRegion to where the gates' alarms live;
 *   - arc-routing-control: route53-recovery-cluster:UpdateRoutingControlStates authorises on each routing
 *     control the batch changes (the routingcontrol resource type,
 *     arn:aws:route53-recovery-control::account:controlpanel/ID/routingcontrol/ID), which the plan names.
 *     No GetRoutingControlState: the workflow sets the gates and never reads them back.
 */
function gateStatements(plans: readonly Plan[], partition: string): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  const objects: string[] = [];
  const metricRegions: string[] = [];
  const routingControls: string[] = [];
  for (const plan of plans) {
    const gates = plan.dns.gates;
    switch (gates?.kind) {
      case undefined:
        break;
      case "s3-object":
        objects.push(
          ...plan.regions.map(
            (region) => `arn:${partition}:s3:::${gates.bucket}/${gateObjectKey(plan, region)}`,
          ),
        );
        break;
      case "cloudwatch-alarm":
        metricRegions.push(gateRegion(plan));
        break;
      case "arc-routing-control":
        routingControls.push(
          ...plan.regions.flatMap((region) => {
            const arn = gates.routingControls[region];
            return arn === undefined ? [] : [arn];
          }),
        );
        break;
    }
  }
  if (objects.length > 0) statements.push(allow("SetObjectGates", ["s3:PutObject"], unique(objects)));
  if (metricRegions.length > 0) {
    statements.push(
      allow("PublishGateMetrics", ["cloudwatch:PutMetricData"], ["*"], {
        StringEquals: {
          "cloudwatch:namespace": GATE_METRIC.namespace,
          "aws:RequestedRegion": unique(metricRegions),
        },
      }),
    );
  }
  if (routingControls.length > 0) {
    statements.push(
      allow(
        "SetRoutingControls",
        ["route53-recovery-cluster:UpdateRoutingControlStates"],
        unique(routingControls),
      ),
    );
  }
  return statements;
}

function hostedZoneArns(plans: readonly Plan[], partition: string): string[] {
  return unique(plans.map((plan) => `arn:${partition}:route53:::hostedzone/${plan.dns.hostedZoneId}`));
}

export function allow(
  sid: string,
  actions: string[],
  resources: string[],
  condition?: PolicyStatement["Condition"],
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: actions,
    Resource: resources,
    ...(condition ? { Condition: condition } : {}),
  };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
