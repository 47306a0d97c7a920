import { CloudWatchClient, DeleteAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DisableRuleCommand, EventBridgeClient, RemoveTargetsCommand } from "@aws-sdk/client-eventbridge";
import { FailoverGlobalClusterCommand, RDSClient } from "@aws-sdk/client-rds";
import {
  ChangeResourceRecordSetsCommand,
  DeleteHealthCheckCommand,
  Route53Client,
} from "@aws-sdk/client-route-53";
import { describe, expect, it } from "vitest";
import { awsReadinessDeps } from "../../adapters/aws/readiness-ports.js";
import type { Plan } from "../../core/plan/schema.js";
import { checkReadiness, type ReadinessOptions } from "../../core/readiness/check-readiness.js";
import type { Finding } from "../../core/readiness/finding.js";
import { ReadinessAccessError, RegionNotInPlan } from "../../core/readiness/readiness-errors.js";
import { type BuiltEstate, buildEstate } from "../../sandbox/build-estate.js";
import { clientProvider } from "../../sandbox/sandbox-control-plane.js";
import { EventBridgeModel } from "../../sandbox/services/eventbridge-model.js";
import { DETECTOR, exampleEstate, ONCALL } from "../support/readiness-sandbox.js";

const TOKYO = "ap-northeast-1";
const SINGAPORE = "ap-southeast-1";
const ZONE = "Z0123456789EXAMPLE";
const SINGAPORE_HEALTH_CHECK = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";

function check(built: BuiltEstate, plan: Plan, options: Partial<ReadinessOptions> = {}): Promise<Finding[]> {
  const deps = awsReadinessDeps(clientProvider(built.estate, ONCALL), built.estate.clock);
  return checkReadiness(plan, deps, { detectorFunction: DETECTOR, ...options });
}

const gaps = (findings: Finding[]) => findings.filter((finding) => !finding.ok);
const rows = (findings: Finding[]) =>
  findings.map((finding) => `${finding.check} ${finding.region} ${finding.resource}`);

describe("readiness check against the sandbox", () => {
  it("passes every check of a ready estate built from the Tokyo example, with a finding per resource the plan names", async () => {
    const { plan, built } = await exampleEstate();

    const findings = await check(built, plan);

    expect(gaps(findings)).toEqual([]);
    expect(rows(findings)).toEqual([
      `database.member ${TOKYO} arn:aws:rds:${TOKYO}:111122223333:cluster:shop-tokyo`,
      `database.available ${TOKYO} arn:aws:rds:${TOKYO}:111122223333:cluster:shop-tokyo`,
      `compute.cluster ${TOKYO} shop-tokyo`,
      `compute.nodegroup ${TOKYO} shop-tokyo/web`,
      `compute.nodegroup ${TOKYO} shop-tokyo/api`,
      `compute.nodegroup ${TOKYO} shop-tokyo/worker`,
      `dns.record ${TOKYO} app.example.com CNAME tokyo`,
      `dns.health-check ${TOKYO} 0f6c1a2e-7b3d-4e5f-8a9b-1c2d3e4f5a6b`,
      `alarm.exists ${TOKYO} shop-tokyo-5xx-rate`,
      `alarm.route ${TOKYO} shop-tokyo-5xx-rate`,
      `database.member ${SINGAPORE} arn:aws:rds:${SINGAPORE}:111122223333:cluster:shop-singapore`,
      `database.available ${SINGAPORE} arn:aws:rds:${SINGAPORE}:111122223333:cluster:shop-singapore`,
      `database.lag ${SINGAPORE} arn:aws:rds:${SINGAPORE}:111122223333:cluster:shop-singapore`,
      `compute.cluster ${SINGAPORE} shop-singapore`,
      `compute.nodegroup ${SINGAPORE} shop-singapore/web`,
      `compute.nodegroup ${SINGAPORE} shop-singapore/api`,
      `compute.nodegroup ${SINGAPORE} shop-singapore/worker`,
      `dns.record ${SINGAPORE} app.example.com CNAME singapore`,
      `dns.health-check ${SINGAPORE} ${SINGAPORE_HEALTH_CHECK}`,
      `alarm.exists ${SINGAPORE} shop-tokyo-canary-from-singapore`,
      `alarm.route ${SINGAPORE} shop-tokyo-canary-from-singapore`,
      "alarm.exists us-east-1 shop-tokyo-health-check",
      "alarm.route us-east-1 shop-tokyo-health-check",
    ]);
    expect(
      findings.find((finding) => finding.check === "dns.record" && finding.region === SINGAPORE),
    ).toMatchObject({
      actual: `shop-singapore-alb-654321.ap-southeast-1.elb.amazonaws.com, SECONDARY, gate: object https://shop-traffic-gates.s3.${SINGAPORE}.amazonaws.com/kirikae/gates/shop/${SINGAPORE} containing "open"`,
    });
    expect(
      findings.find((finding) => finding.check === "alarm.route" && finding.region === "us-east-1"),
    ).toMatchObject({
      actual: `rule kirikae-sandbox-shop-forward → ${SINGAPORE} bus default, rule kirikae-sandbox-shop-alarms → ${DETECTOR}`,
    });
  });

  it("changes nothing: every call it makes is a read", async () => {
    const { plan, built } = await exampleEstate();

    await check(built, plan);

    expect(built.estate.calls.length).toBeGreaterThan(0);
    expect(built.estate.calls.filter((call) => call.mutating)).toEqual([]);
  });

  it("names a standby nodegroup whose max size is below its active size, with the command that fixes it", async () => {
    const { plan, built } = await exampleEstate();
    built.models.eks.setNodegroupMax(SINGAPORE, "shop-singapore", "web", 4);

    const findings = await check(built, plan);

    expect(gaps(findings)).toEqual([
      {
        check: "compute.nodegroup",
        resource: "shop-singapore/web",
        region: SINGAPORE,
        ok: false,
        expected: "max ≥ 6 (its active size)",
        actual: "max 4, desired 2, ACTIVE",
        hint: expect.stringContaining(
          "aws eks update-nodegroup-config --region ap-southeast-1 --cluster-name shop-singapore --nodegroup-name web --scaling-config maxSize=10",
        ),
      },
    ]);
  });

  it("names replication lag beyond the RPO", async () => {
    const { plan, built } = await exampleEstate();
    built.models.rds.setReplicationLag(plan.database.members[SINGAPORE] ?? "", 7 * 60_000);

    const findings = await check(built, plan);

    expect(gaps(findings)).toEqual([
      expect.objectContaining({
        check: "database.lag",
        region: SINGAPORE,
        expected: "≤ 5 min (the RPO)",
        actual: "7.0 min",
      }),
    ]);
  });

  it("names a record set that was deleted from the hosted zone", async () => {
    const { plan, built, clients } = await exampleEstate();
    const singaporeRecord = built.models.route53
      .records(ZONE)
      .find((record) => record.SetIdentifier === "singapore");
    await clients
      .forRegion(SINGAPORE)
      .get(Route53Client)
      .send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: ZONE,
          ChangeBatch: { Changes: [{ Action: "DELETE", ResourceRecordSet: singaporeRecord }] },
        }),
      );

    const findings = await check(built, plan);

    expect(gaps(findings)).toEqual([
      expect.objectContaining({
        check: "dns.record",
        region: SINGAPORE,
        resource: "app.example.com CNAME singapore",
        actual: "missing",
        hint: expect.stringContaining("set identifier singapore"),
      }),
    ]);
  });

  it("names a health check that was deleted", async () => {
    const { plan, built, clients } = await exampleEstate();
    await clients
      .forRegion(SINGAPORE)
      .get(Route53Client)
      .send(new DeleteHealthCheckCommand({ HealthCheckId: SINGAPORE_HEALTH_CHECK }));

    const findings = await check(built, plan);

    expect(gaps(findings)).toEqual([
      expect.objectContaining({
        check: "dns.health-check",
        region: SINGAPORE,
        resource: SINGAPORE_HEALTH_CHECK,
        actual: "missing",
      }),
    ]);
  });

  it("names a trigger alarm that was deleted, and that it has nothing to route", async () => {
    const { plan, built, clients } = await exampleEstate();
    await clients
      .forRegion("us-east-1")
      .get(CloudWatchClient)
      .send(new DeleteAlarmsCommand({ AlarmNames: ["shop-tokyo-health-check"] }));

    const findings = await check(built, plan);

    expect(gaps(findings)).toEqual([
      expect.objectContaining({ check: "alarm.exists", region: "us-east-1", actual: "missing" }),
      expect.objectContaining({ check: "alarm.route", region: "us-east-1", actual: "no alarm to route" }),
    ]);
  });

  it("names an alarm whose forwarding rule no longer has a target", async () => {
    const { plan, built, clients } = await exampleEstate();
    await clients
      .forRegion("us-east-1")
      .get(EventBridgeClient)
      .send(new RemoveTargetsCommand({ Rule: "kirikae-sandbox-shop-forward", Ids: ["control-plane"] }));

    const findings = await check(built, plan);

    expect(gaps(findings)).toEqual([
      expect.objectContaining({
        check: "alarm.route",
        region: "us-east-1",
        resource: "shop-tokyo-health-check",
        actual: `matching rule kirikae-sandbox-shop-forward targets neither ${DETECTOR} nor an event bus`,
      }),
    ]);
  });

  it("names every alarm whose events are forwarded to a control plane rule that was disabled", async () => {
    const { plan, built, clients } = await exampleEstate();
    await clients
      .forRegion(SINGAPORE)
      .get(EventBridgeClient)
      .send(new DisableRuleCommand({ Name: "kirikae-sandbox-shop-alarms" }));

    const findings = await check(built, plan);

    const forwarded = `forwarded to ${SINGAPORE} bus default, where no enabled rule targets ${DETECTOR}`;
    expect(gaps(findings)).toEqual([
      expect.objectContaining({ check: "alarm.route", region: TOKYO, actual: forwarded }),
      expect.objectContaining({
        check: "alarm.route",
        region: SINGAPORE,
        resource: "shop-tokyo-canary-from-singapore",
        actual: "matching rule kirikae-sandbox-shop-alarms is disabled",
      }),
      expect.objectContaining({ check: "alarm.route", region: "us-east-1", actual: forwarded }),
    ]);
  });

  it("names an alarm forwarded to an event bus that does not exist", async () => {
    const { plan, built } = await exampleEstate();
    built.estate.register(
      new EventBridgeModel({
        rules: [
          {
            region: "us-east-1",
            accountId: "111122223333",
            name: "forward-alarms",
            pattern: { source: ["aws.cloudwatch"] },
            targets: [
              { id: "gone", arn: `arn:aws:events:${SINGAPORE}:111122223333:event-bus/kirikae-alarms` },
            ],
          },
        ],
      }),
    );

    const findings = await check(built, plan, { regions: ["us-east-1"] });

    expect(gaps(findings)).toEqual([
      expect.objectContaining({
        check: "alarm.route",
        actual: `forwarded to ${SINGAPORE} bus kirikae-alarms, where no enabled rule targets ${DETECTOR}`,
      }),
    ]);
  });

  it("names an alarm whose state changes match no rule", async () => {
    const { plan, built } = await exampleEstate((plan) => buildEstate([plan], { stage: "staging" }));

    const findings = await check(built, plan);

    // Built for another stage: the rules exist but reach that stage's detector, not this one's.
    expect(gaps(findings).map((finding) => `${finding.check} ${finding.region}`)).toEqual([
      `alarm.route ${TOKYO}`,
      `alarm.route ${SINGAPORE}`,
      "alarm.route us-east-1",
    ]);
  });

  it("names a plan member that is not in the global database", async () => {
    const { plan, built } = await exampleEstate((plan) =>
      buildEstate([
        {
          ...plan,
          database: {
            ...plan.database,
            members: {
              ...plan.database.members,
              [SINGAPORE]: "arn:aws:rds:ap-southeast-1:111122223333:cluster:shop-singapore-old",
            },
          },
        },
      ]),
    );

    const findings = await check(built, plan);

    expect(gaps(findings)[0]).toMatchObject({
      check: "database.member",
      region: SINGAPORE,
      expected: "secondary of shop-global",
      actual: "not a member (members: shop-tokyo, shop-singapore-old)",
    });
    expect(
      gaps(findings).every(
        (finding) => finding.check.startsWith("database.") && finding.region === SINGAPORE,
      ),
    ).toBe(true);
  });

  it("says the plan runs failed over when the writer and the traffic are in the standby region", async () => {
    const { plan, built, clients } = await exampleEstate();
    await clients
      .forRegion(SINGAPORE)
      .get(RDSClient)
      .send(
        new FailoverGlobalClusterCommand({
          GlobalClusterIdentifier: "shop-global",
          TargetDbClusterIdentifier: plan.database.members[SINGAPORE],
          AllowDataLoss: true,
        }),
      );
    built.estate.clock.advance(5 * 60_000);

    const findings = await check(built, plan);

    expect(gaps(findings)).toEqual([
      expect.objectContaining({
        check: "database.member",
        region: TOKYO,
        actual: "secondary of shop-global",
        hint: expect.stringContaining(`the writer is in ${SINGAPORE}: the plan runs failed over`),
      }),
      expect.objectContaining({
        check: "database.member",
        region: SINGAPORE,
        actual: "writer of shop-global",
      }),
    ]);
  });

  it("marks the checks of a region that does not answer as unreachable, and still checks the others", async () => {
    const { plan, built } = await exampleEstate();
    built.estate.addFault({ kind: "region-down", region: TOKYO });

    const findings = await check(built, plan);

    const unreachable = findings.filter((finding) => finding.unreachable);
    expect(rows(unreachable)).toEqual([
      `database.member ${TOKYO} arn:aws:rds:${TOKYO}:111122223333:cluster:shop-tokyo`,
      `database.available ${TOKYO} arn:aws:rds:${TOKYO}:111122223333:cluster:shop-tokyo`,
      `compute.cluster ${TOKYO} shop-tokyo`,
      `compute.nodegroup ${TOKYO} shop-tokyo/web`,
      `compute.nodegroup ${TOKYO} shop-tokyo/api`,
      `compute.nodegroup ${TOKYO} shop-tokyo/worker`,
      `alarm.exists ${TOKYO} shop-tokyo-5xx-rate`,
      `alarm.route ${TOKYO} shop-tokyo-5xx-rate`,
    ]);
    expect(unreachable.every((finding) => !finding.ok)).toBe(true);
    // Route 53 answers from us-east-1: it reports Tokyo's endpoint as failing, which is a gap of its own.
    expect(gaps(findings).filter((finding) => !finding.unreachable)).toEqual([
      expect.objectContaining({ check: "dns.health-check", region: TOKYO, actual: "exists, unhealthy" }),
    ]);
    expect(findings.filter((finding) => finding.region !== TOKYO).every((finding) => finding.ok)).toBe(true);
  });

  it("marks reads that AWS kept throttling past the SDK's retries as unreachable, not as drift", async () => {
    const { plan, built } = await exampleEstate();
    built.estate.addFault({ kind: "throttle", rate: 1, service: "eks" });

    const findings = await check(built, plan);

    const compute = findings.filter((finding) => finding.check.startsWith("compute."));
    expect(compute).toHaveLength(8);
    expect(
      compute.every((finding) => finding.unreachable && finding.actual === "throttled (ThrottlingException)"),
    ).toBe(true);
    expect(
      findings.filter((finding) => !finding.check.startsWith("compute.")).every((finding) => finding.ok),
    ).toBe(true);
  });

  it("checks only the regions asked for", async () => {
    const { plan, built } = await exampleEstate();

    const findings = await check(built, plan, { regions: [SINGAPORE] });

    expect(findings.length).toBe(11);
    expect(findings.every((finding) => finding.region === SINGAPORE && finding.ok)).toBe(true);
  });

  it("refuses a region the plan names nothing in, before reading anything", async () => {
    const { plan, built } = await exampleEstate();

    await expect(check(built, plan, { regions: ["eu-west-1"] })).rejects.toThrow(RegionNotInPlan);
    expect(built.estate.calls).toEqual([]);
  });

  it("stops, naming the action and the resource, when a read is denied", async () => {
    const { plan, built } = await exampleEstate();
    built.estate.addFault({
      kind: "fail",
      operation: "DescribeCluster",
      times: 10,
      error: "AccessDeniedException",
      region: SINGAPORE,
    });

    const error = await check(built, plan).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ReadinessAccessError);
    expect(error).toMatchObject({
      message: `access denied: eks:DescribeCluster on ${SINGAPORE}/shop-singapore`,
      action: expect.stringContaining("allow eks:DescribeCluster to the identity running the check"),
    });
  });
});
