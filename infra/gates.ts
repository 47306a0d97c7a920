import * as aws from "@pulumi/aws";
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
import { pascalCase } from "./names.js";
import type { RegionProviders } from "./providers.js";

/** Route 53's resources (health checks, records) are global, managed through us-east-1's API. */
const ROUTE53_REGION = "us-east-1";

/**
 * The gates a plan asks for, made once at deploy time through the control planes (nothing here runs
 * during an incident): per region, the gate (an object, or a metric alarm; ARC routing controls are the
 * user's own), the Route 53 health check that follows it, and the region's failover record carrying that
 * health check. From then on a failover only changes the gates, through regional endpoints.
 */
export function trafficGates(stage: string, plans: readonly Plan[], providers: RegionProviders): void {
  for (const plan of plans) {
    const gates = plan.dns.gates;
    if (gates === undefined) continue;
    const prefix = `${pascalCase(plan.name)}Gate`;
    if (gates.kind === "s3-object") gateBucket(plan, gates.bucket, providers);
    for (const region of plan.regions) {
      const name = `${prefix}${pascalCase(region)}`;
      const healthCheck = new aws.route53.HealthCheck(
        `${name}HealthCheck`,
        {
          ...healthCheckOf(stage, plan, region, providers),
          tags: { Name: `kirikae ${plan.name} gate ${region}` },
        },
        { provider: providers(ROUTE53_REGION) },
      );
      for (const record of plan.dns.records) {
        const target = record.targets[region];
        if (target === undefined) continue;
        new aws.route53.Record(
          `${name}${pascalCase(record.name)}Record`,
          {
            zoneId: plan.dns.hostedZoneId,
            name: record.name,
            type: record.type,
            // A load balancer is published with an alias (an A record's value must be an IP); it takes
            // the target's TTL, and its health counts only when the plan asks Route 53 to evaluate it.
            ...(target.alias
              ? {
                  aliases: [
                    {
                      zoneId: target.alias.hostedZoneId,
                      name: target.alias.dnsName,
                      evaluateTargetHealth: target.alias.evaluateTargetHealth,
                    },
                  ],
                }
              : { ttl: record.ttlSeconds, records: [target.value] }),
            setIdentifier: target.setIdentifier,
            failoverRoutingPolicies: [{ type: region === plan.activeRegion ? "PRIMARY" : "SECONDARY" }],
            healthCheckId: healthCheck.id,
            // The plan names records the estate already serves: the deploy takes them over in place
            // (an UPSERT) rather than failing because they exist.
            allowOverwrite: true,
          },
          { provider: providers(ROUTE53_REGION) },
        );
      }
    }
  }
}

function healthCheckOf(
  stage: string,
  plan: Plan,
  region: string,
  providers: RegionProviders,
): aws.route53.HealthCheckArgs {
  const gates = plan.dns.gates;
  switch (gates?.kind) {
    case "arc-routing-control":
      return { type: "RECOVERY_CONTROL", routingControlArn: gates.routingControls[region] ?? "" };
    case "s3-object":
      return {
        type: "HTTPS_STR_MATCH",
        fqdn: `${gates.bucket}.s3.${gateRegion(plan)}.amazonaws.com`,
        port: 443,
        resourcePath: `/${gateObjectKey(plan, region)}`,
        searchString: GATE_OPEN_BODY,
        // S3's endpoints pick their certificate by SNI; the provider sends it by default for "HTTPS" only.
        enableSni: true,
        // The fast interval and a threshold of 1: a gate follows its object within about ten seconds.
        requestInterval: 10,
        failureThreshold: 1,
      };
    default: {
      const alarm = new aws.cloudwatch.MetricAlarm(
        `${pascalCase(plan.name)}Gate${pascalCase(region)}Alarm`,
        {
          name: gateAlarmName(plan, region),
          alarmDescription: `kirikae ${stage}: the traffic gate of plan ${plan.name} for ${region}; OK while open`,
          namespace: GATE_METRIC.namespace,
          metricName: GATE_METRIC.metricName,
          dimensions: gateDimensions(plan, region),
          statistic: "Maximum",
          period: 60,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: "LessThanThreshold",
          treatMissingData: "missing",
        },
        { provider: providers(gateRegion(plan)) },
      );
      return {
        type: "CLOUDWATCH_METRIC",
        cloudwatchAlarmName: alarm.name,
        cloudwatchAlarmRegion: gateRegion(plan),
        // kirikae publishes only when a gate changes: between changes the alarm lacks data, and the gate
        // keeps the state it last had.
        insufficientDataHealthStatus: "LastKnownStatus",
      };
    }
  }
}

/**
 * The bucket of "s3-object" gates, in the plan's standby region. Route 53's health checkers request the two
 * gate objects anonymously, so exactly that prefix is readable by anyone (it says "open" or "closed",
 * nothing more); every other object and every write stays private.
 */
function gateBucket(plan: Plan, bucketName: string, providers: RegionProviders): void {
  const provider = providers(gateRegion(plan));
  const name = `${pascalCase(plan.name)}GateBucket`;
  const bucket = new aws.s3.Bucket(name, { bucket: bucketName, forceDestroy: false }, { provider });
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}PublicAccess`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: false,
      restrictPublicBuckets: false,
    },
    { provider },
  );
  new aws.s3.BucketPolicy(
    `${name}Policy`,
    {
      bucket: bucket.id,
      policy: bucket.arn.apply((arn) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "Route53HealthCheckersReadTheGates",
              Effect: "Allow",
              Principal: "*",
              Action: "s3:GetObject",
              Resource: `${arn}/kirikae/gates/${plan.name}/*`,
            },
          ],
        }),
      ),
    },
    { provider, dependsOn: [publicAccess] },
  );
  for (const region of plan.regions) {
    new aws.s3.BucketObjectv2(
      `${name}${pascalCase(region)}Object`,
      {
        bucket: bucket.id,
        key: gateObjectKey(plan, region),
        content: region === plan.activeRegion ? GATE_OPEN_BODY : GATE_CLOSED_BODY,
        contentType: "text/plain",
        cacheControl: "no-store",
      },
      // The workflows own the gate's state after the first deploy; a later deploy must not undo a failover.
      { provider, ignoreChanges: ["content"] },
    );
  }
}
