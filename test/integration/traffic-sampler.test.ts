import { FailoverGlobalClusterCommand } from "@aws-sdk/client-rds";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../core/plan/schema.js";
import { buildEstate } from "../../sandbox/build-estate.js";
import type { SandboxEstate } from "../../sandbox/estate.js";
import { sandboxClients } from "../../sandbox/sandbox-clients.js";
import { endpointServes, startTrafficSampler, type TrafficSnapshot } from "../../sandbox/traffic-sampler.js";
import { testPlan } from "../support/plan-fixtures.js";
import { OPERATOR, SINGAPORE, SINGAPORE_CLUSTER, TOKYO } from "../support/sandbox-fixtures.js";

const TOKYO_CHECK = "11111111-1111-4111-8111-111111111111";
const API_TOKYO_CHECK = "33333333-3333-4333-8333-333333333333";
const API_SINGAPORE_CHECK = "44444444-4444-4444-8444-444444444444";

function sampled(plan: Plan = testPlan(), onChange?: (snapshot: TrafficSnapshot) => void) {
  const built = buildEstate([plan], { rdsTimings: { failoverMs: 40_000 } });
  const sampler = startTrafficSampler({
    clock: built.estate.clock,
    plan,
    rds: built.models.rds,
    route53: built.models.route53,
    serves: endpointServes(built.estate, built.models.route53),
    ...(onChange ? { onChange } : {}),
  });
  return { ...built, sampler, seconds: (count: number) => built.estate.clock.advance(count * 1_000) };
}

/** An unplanned failover of the global cluster to Singapore, as an operator would start it. */
function failOverToSingapore(estate: SandboxEstate) {
  return sandboxClients(estate, SINGAPORE, OPERATOR).rds.send(
    new FailoverGlobalClusterCommand({
      GlobalClusterIdentifier: "shop-global",
      TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
      AllowDataLoss: true,
    }),
  );
}

/** The test plan with a second record, api.example.com, whose endpoints have health checks of their own. */
function planWithApiRecord(): Plan {
  return testPlan((input) => {
    input.dns.records.push({
      name: "api.example.com",
      type: "CNAME",
      ttlSeconds: 60,
      targets: {
        [TOKYO]: {
          value: "api-tokyo.elb.example.com",
          setIdentifier: "tokyo",
          healthCheckId: API_TOKYO_CHECK,
        },
        [SINGAPORE]: {
          value: "api-singapore.elb.example.com",
          setIdentifier: "singapore",
          healthCheckId: API_SINGAPORE_CHECK,
        },
      },
    });
  });
}

describe("traffic sampler: what DNS answers, each modelled second, against where writes can land", () => {
  it("counts nothing while every record answers with the writer's region", () => {
    const { sampler, seconds } = sampled();

    seconds(120);

    expect(sampler.stop()).toEqual({
      nonWriterSeconds: 0,
      noWriterSeconds: 0,
      unservedSeconds: 0,
      records: { "app.example.com": TOKYO },
      nonWriterSecondsByRecord: { "app.example.com": 0 },
      reached: [{ from: expect.any(Date), regions: [TOKYO] }],
    });
  });

  it("counts the seconds a failed health check sends users to the standby while the active cluster is still writer", () => {
    const { sampler, seconds, models } = sampled();

    models.route53.setEndpointHealth(TOKYO_CHECK, false);
    seconds(30);

    expect(sampler.stop()).toMatchObject({
      nonWriterSeconds: 30,
      noWriterSeconds: 0,
      records: { "app.example.com": SINGAPORE },
    });
  });

  it("counts a promotion's seconds as downtime, not misdirection, and stops counting once the standby is writer", async () => {
    const { sampler, seconds, models, estate } = sampled();
    models.route53.setEndpointHealth(TOKYO_CHECK, false);
    seconds(10);

    // The promotion starts when the call is answered (+250 ms of modelled API latency) and takes 40 s.
    await failOverToSingapore(estate);
    seconds(60);

    expect(sampler.stop()).toMatchObject({ nonWriterSeconds: 10, noWriterSeconds: 40 });
    expect(models.rds.writerOf("shop-global")?.region).toBe(SINGAPORE);
  });

  it("counts answers naming a region that is down as downtime, not misdirection, once the writer moved", async () => {
    const { sampler, seconds, models, estate } = sampled(
      testPlan((input) => {
        input.dns.gates = { kind: "cloudwatch-alarm" };
      }),
    );
    estate.addFault({ kind: "region-down", region: TOKYO });
    await failOverToSingapore(estate);
    seconds(60);

    // The gates were never flipped, so DNS still names Tokyo: users get nothing, and write nowhere.
    expect(models.rds.writerOf("shop-global")?.region).toBe(SINGAPORE);
    expect(sampler.stop()).toMatchObject({
      nonWriterSeconds: 0,
      noWriterSeconds: 40,
      unservedSeconds: 60,
      records: { "app.example.com": TOKYO },
    });
  });

  it("judges every record, not only the first, and says which record sent users astray", () => {
    const { sampler, seconds, models } = sampled(planWithApiRecord());

    seconds(5);
    models.route53.setEndpointHealth(API_TOKYO_CHECK, false);
    seconds(7);

    expect(sampler.stop()).toEqual({
      nonWriterSeconds: 7,
      noWriterSeconds: 0,
      unservedSeconds: 0,
      records: { "app.example.com": TOKYO, "api.example.com": SINGAPORE },
      nonWriterSecondsByRecord: { "app.example.com": 0, "api.example.com": 7 },
      reached: expect.arrayContaining([expect.objectContaining({ regions: [TOKYO, SINGAPORE] })]),
    });
  });

  it("counts every second of a long jump of the clock, with no actor running in between", async () => {
    const { sampler, models, estate } = sampled();
    models.route53.setEndpointHealth(TOKYO_CHECK, false);

    // One timer an hour away: the clock jumps straight to it, with no actor running in between.
    await estate.clock.sleep(3_600_000);

    expect(sampler.stop().nonWriterSeconds).toBe(3_600);
  });

  it("tells each change of where users go, and stops counting when stopped", () => {
    const changes: TrafficSnapshot[] = [];
    const { sampler, seconds, models } = sampled(testPlan(), (snapshot) => changes.push(snapshot));

    seconds(3);
    models.route53.setEndpointHealth(TOKYO_CHECK, false);
    seconds(3);
    const report = sampler.stop();
    seconds(60);

    // Tokyo's endpoint fails its health check: only Singapore serves, and DNS sends users there.
    expect(changes).toEqual([
      { writerRegion: TOKYO, serving: [SINGAPORE], records: { "app.example.com": [SINGAPORE] } },
    ]);
    expect(sampler.report().nonWriterSeconds).toBe(report.nonWriterSeconds);
    expect(report.nonWriterSeconds).toBe(3);
  });
});
