import { beforeAll, describe, expect, it } from "vitest";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import type { Plan } from "../../core/plan/schema.js";
import { validatePlan } from "../../core/plan/validate-plan.js";
import { deployedPlans, SINGAPORE, TOKYO, VIRGINIA } from "./support/deployed-plans.js";
import {
  BUCKET,
  BUCKET_OBJECT,
  BUCKET_POLICY,
  BUCKET_PUBLIC_ACCESS,
  DNS_RECORD,
  HEALTH_CHECK,
  METRIC_ALARM,
  type MockDeploy,
  mockDeploy,
  type Registered,
} from "./support/mock-deploy.js";

const OREGON = "us-west-2";
const SHOP_BUCKET = "shop-traffic-gates";
/** The gates' buckets: every control-plane region also has its audit digests' bucket (audit-digests.test.ts). */
const gateBuckets = () =>
  deploy.ofType(BUCKET).filter((bucket) => !String(bucket.inputs.bucket).includes("-dg-"));
const gatePolicies = () =>
  deploy
    .ofType(BUCKET_POLICY)
    .filter((policy) => !String(policy.inputs.policy).includes("NoDigestIsEverDeleted"));
const CATALOG_ZONE = "Z0CATALOG0000EXAMPLE";

let deploy: MockDeploy;
let orders: Plan;

/**
 * One stage with every way a plan can move traffic: the Tokyo example (S3 object gates), the Virginia
 * example (ARC routing controls), a plan like Tokyo's gated by CloudWatch alarms, and the weighted example,
 * which edits records and so has no gate at all.
 */
beforeAll(async () => {
  const { shop, payments } = await deployedPlans();
  orders = await loadPlanFile("examples/virginia-oregon.plan.json");
  const shopFile = await loadPlanFile("examples/tokyo-singapore.plan.json");
  const catalog = validated({
    ...shopFile,
    name: "catalog",
    // The shop plan owns the alarms it creates; this copy only names them.
    triggers: {
      ...shopFile.triggers,
      alarms: shopFile.triggers.alarms.map(({ create: _owned, ...alarm }) => alarm),
    },
    dns: {
      ...shopFile.dns,
      hostedZoneId: CATALOG_ZONE,
      gates: { kind: "cloudwatch-alarm" },
      records: shopFile.dns.records.map((record) => ({ ...record, name: "catalog.example.com" })),
    },
  });
  deploy = await mockDeploy([shop, payments, orders, catalog]);
});

function validated(document: unknown): Plan {
  const result = validatePlan(document);
  if (!result.ok) throw new Error(`test plan is invalid: ${JSON.stringify(result.issues)}`);
  return result.plan;
}

const inZone = (zoneId: string) =>
  deploy.ofType(DNS_RECORD).filter((record) => record.inputs.zoneId === zoneId);
const healthCheckOf = (record: Registered) =>
  deploy.one(HEALTH_CHECK, (check) => check.id === record.inputs.healthCheckId);
/**
 * Each record as Route 53 would answer from it (name, set, role, value, and the health check it carries),
 * PRIMARY first, then by name: resources register in whatever order their inputs resolve.
 */
const routing = (records: Registered[]) =>
  records
    .map((record) => ({
      name: String(record.inputs.name),
      type: record.inputs.type,
      setIdentifier: record.inputs.setIdentifier,
      role: String((record.inputs.failoverRoutingPolicies as Array<{ type: string }>)[0]?.type),
      records: record.inputs.records,
      healthCheck: healthCheckOf(record).inputs,
    }))
    .sort((a, b) => a.role.localeCompare(b.role) || a.name.localeCompare(b.name));
const byName = (a: Registered, b: Registered) => String(a.inputs.name).localeCompare(String(b.inputs.name));

describe("S3 object gates (the Tokyo example)", () => {
  it("keeps the gate bucket in the standby region, where the failover runs, not in Tokyo or us-east-1", () => {
    expect(gateBuckets().map((bucket) => [bucket.region, bucket.inputs.bucket])).toEqual([
      [SINGAPORE, SHOP_BUCKET],
    ]);
  });

  it("lets anyone, Route 53's health checkers included, read only the plan's gate objects, and write nothing", () => {
    const [policy] = gatePolicies();

    expect(gatePolicies()).toHaveLength(1);
    expect(policy?.region).toBe(SINGAPORE);
    expect(JSON.parse(String(policy?.inputs.policy))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Route53HealthCheckersReadTheGates",
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: `arn:aws:s3:::${SHOP_BUCKET}/kirikae/gates/shop/*`,
        },
      ],
    });
    // Public through that policy only: no ACL can make anything else public.
    const gateBucketId = gateBuckets().find((bucket) => bucket.inputs.bucket === SHOP_BUCKET)?.id;
    expect(
      deploy.one(BUCKET_PUBLIC_ACCESS, (block) => block.inputs.bucket === gateBucketId).inputs,
    ).toMatchObject({
      blockPublicAcls: true,
      ignorePublicAcls: true,
    });
  });

  it("starts with Tokyo's gate open and Singapore's closed, and never resets them on a later deploy", () => {
    const objects = deploy
      .ofType(BUCKET_OBJECT)
      .sort((a, b) => String(a.inputs.key).localeCompare(String(b.inputs.key)));

    expect(
      objects.map((object) => [
        object.region,
        object.inputs.key,
        object.inputs.content,
        object.ignoreChanges,
      ]),
    ).toEqual([
      [SINGAPORE, `kirikae/gates/shop/${TOKYO}`, "open", ["content"]],
      [SINGAPORE, `kirikae/gates/shop/${SINGAPORE}`, "closed", ["content"]],
    ]);
    // Health checkers must read a change at their next request, not a cached copy.
    for (const object of objects) expect(object.inputs.cacheControl).toBe("no-store");
  });

  it("binds each region's failover record to a fast health check on that region's gate object", () => {
    expect(routing(inZone("Z0123456789EXAMPLE"))).toEqual(
      [
        [TOKYO, "PRIMARY", "tokyo", "shop-tokyo-alb-123456.ap-northeast-1.elb.amazonaws.com"],
        [SINGAPORE, "SECONDARY", "singapore", "shop-singapore-alb-654321.ap-southeast-1.elb.amazonaws.com"],
      ].map(([region, role, setIdentifier, value]) => ({
        name: "app.example.com",
        type: "CNAME",
        setIdentifier,
        role,
        records: [value],
        healthCheck: expect.objectContaining({
          type: "HTTPS_STR_MATCH",
          fqdn: `${SHOP_BUCKET}.s3.${SINGAPORE}.amazonaws.com`,
          port: 443,
          resourcePath: `/kirikae/gates/shop/${region}`,
          searchString: "open",
          requestInterval: 10,
          failureThreshold: 1,
        }),
      })),
    );
  });
});

describe("ARC routing-control gates (the Virginia example)", () => {
  it("binds every record of each region to a health check on that region's routing control", () => {
    const controls = orders.dns.gates?.kind === "arc-routing-control" ? orders.dns.gates.routingControls : {};

    const records = routing(inZone("Z0555666777EXAMPLE"));

    expect(records.map((record) => [record.name, record.setIdentifier, record.role])).toEqual([
      ["api.orders.example.net", "virginia", "PRIMARY"],
      ["checkout.orders.example.net", "virginia", "PRIMARY"],
      ["api.orders.example.net", "oregon", "SECONDARY"],
      ["checkout.orders.example.net", "oregon", "SECONDARY"],
    ]);
    for (const record of records) {
      const region = record.setIdentifier === "virginia" ? VIRGINIA : OREGON;
      expect(record.healthCheck).toMatchObject({
        type: "RECOVERY_CONTROL",
        routingControlArn: controls[region],
      });
    }
    expect(new Set(records.map((record) => JSON.stringify(record.healthCheck))).size).toBe(2);
  });

  it("creates no bucket and no alarm for it: the routing controls are the user's own, flipped on ARC's cluster", () => {
    expect(gateBuckets().map((bucket) => bucket.inputs.bucket)).toEqual([SHOP_BUCKET]);
    expect(
      deploy.ofType(METRIC_ALARM).filter((alarm) => String(alarm.inputs.name).includes("gate-orders")),
    ).toEqual([]);
    // One health check per routing control, shared by the region's records.
    expect(
      deploy.ofType(HEALTH_CHECK).filter((check) => check.inputs.type === "RECOVERY_CONTROL"),
    ).toHaveLength(2);
  });
});

describe("CloudWatch alarm gates", () => {
  it("keeps each region's gate alarm in the standby region, OK while kirikae's metric says open", () => {
    const alarms = deploy
      .ofType(METRIC_ALARM)
      .filter((alarm) => String(alarm.inputs.name).startsWith("kirikae-gate-"))
      .sort(byName);

    expect(alarms.map((alarm) => [alarm.region, alarm.inputs.name, alarm.inputs.dimensions])).toEqual([
      [SINGAPORE, `kirikae-gate-catalog-${TOKYO}`, { Plan: "catalog", Region: TOKYO }],
      [SINGAPORE, `kirikae-gate-catalog-${SINGAPORE}`, { Plan: "catalog", Region: SINGAPORE }],
    ]);
    for (const alarm of alarms) {
      expect(alarm.inputs).toMatchObject({
        namespace: "Kirikae/TrafficGates",
        metricName: "GateOpen",
        statistic: "Maximum",
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
      });
    }
  });

  it("has each record follow its region's gate alarm, holding the last state between kirikae's datapoints", () => {
    const records = routing(inZone(CATALOG_ZONE));

    expect(records.map((record) => [record.role, record.healthCheck])).toEqual([
      ["PRIMARY", expect.objectContaining({ cloudwatchAlarmName: `kirikae-gate-catalog-${TOKYO}` })],
      ["SECONDARY", expect.objectContaining({ cloudwatchAlarmName: `kirikae-gate-catalog-${SINGAPORE}` })],
    ]);
    for (const record of records) {
      expect(record.healthCheck).toMatchObject({
        type: "CLOUDWATCH_METRIC",
        cloudwatchAlarmRegion: SINGAPORE,
        insufficientDataHealthStatus: "LastKnownStatus",
      });
    }
  });
});

describe("a plan without gates (the weighted example)", () => {
  it("gets no gate, no health check and no record from the deploy: its records stay the user's, edited at failover", () => {
    expect(inZone("Z9876543210EXAMPLE")).toEqual([]);
    expect(deploy.resources.filter((resource) => resource.name.startsWith("PaymentsApiGate"))).toEqual([]);
    const gateResources = [BUCKET, BUCKET_OBJECT, BUCKET_POLICY, HEALTH_CHECK, DNS_RECORD].flatMap((type) =>
      deploy.ofType(type),
    );
    expect(gateResources.filter((resource) => JSON.stringify(resource.inputs).includes("payments"))).toEqual(
      [],
    );
  });
});
