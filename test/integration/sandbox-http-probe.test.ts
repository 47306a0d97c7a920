import { SwitchoverGlobalClusterCommand } from "@aws-sdk/client-rds";
import { describe, expect, it } from "vitest";
import { buildEstate } from "../../sandbox/build-estate.js";
import { sandboxClients } from "../../sandbox/sandbox-clients.js";
import { probeSitesOf, SandboxHttpProbe } from "../../sandbox/sandbox-http-probe.js";
import { testPlan } from "../support/plan-fixtures.js";
import { OPERATOR, SINGAPORE, SINGAPORE_CLUSTER, TOKYO } from "../support/sandbox-fixtures.js";

const plan = testPlan();
const TOKYO_CHECK = "11111111-1111-4111-8111-111111111111";
const SINGAPORE_CHECK = "22222222-2222-4222-8222-222222222222";
const URL = "https://app.example.com/health";

function sandbox() {
  const built = buildEstate([plan]);
  return { ...built, probe: built.httpProbe };
}

describe("sandbox HTTP probe (the application as users reach it through DNS)", () => {
  it("answers 200 from the active region, whose cluster is the writer", async () => {
    const { probe } = sandbox();

    const answer = await probe.get(URL, 5_000);

    expect(answer).toEqual({ status: 200, body: JSON.stringify({ region: TOKYO, writable: true }) });
    expect(probe.requests).toMatchObject([{ url: URL, region: TOKYO, status: 200 }]);
  });

  it("answers 503 from the standby once DNS moves there before its cluster is promoted, then 200 after", async () => {
    const { probe, models, estate } = sandbox();

    // Tokyo's application breaks: its health check fails and the failover record answers with Singapore.
    models.route53.setEndpointHealth(TOKYO_CHECK, false);
    const moved = await probe.get(URL, 5_000);
    await sandboxClients(estate, TOKYO, OPERATOR).rds.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: plan.database?.globalClusterIdentifier,
        TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
      }),
    );
    const promoting = await probe.get(URL, 5_000);
    estate.clock.advance(10 * 60_000);
    const promoted = await probe.get(URL, 5_000);

    expect(moved.status).toBe(503);
    expect(JSON.parse(moved.body)).toEqual({
      region: SINGAPORE,
      writable: false,
      reason: `the shop-global cluster in ${SINGAPORE} is a read-only secondary (the writer is in ${TOKYO})`,
    });
    expect(promoting.status).toBe(503);
    expect(JSON.parse(promoting.body).reason).toMatch(/^global database shop-global is switching-over/);
    expect(promoted).toEqual({ status: 200, body: JSON.stringify({ region: SINGAPORE, writable: true }) });
  });

  it("answers 503 naming the failed health check when the region is up but its application is broken", async () => {
    const { probe, models } = sandbox();
    // Both endpoints failing: Route 53 then treats both as healthy, and the failover record answers Tokyo.
    models.route53.setEndpointHealth(TOKYO_CHECK, false);
    models.route53.setEndpointHealth(SINGAPORE_CHECK, false);

    const answer = await probe.get(URL, 5_000);

    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({
      region: TOKYO,
      writable: false,
      reason: `the application in ${TOKYO} fails its health check`,
    });
  });

  it("gets no answer, after the timeout, from a region that is down while DNS still names it", async () => {
    const { models, estate } = sandbox();
    const [site] = probeSitesOf(plan);
    if (!site) throw new Error("the plan has no DNS");
    // A simple record with no health check keeps answering with Tokyo, whatever happens there.
    const pinned = new SandboxHttpProbe(
      estate,
      { answer: () => ["shop-tokyo.elb.example.com."], isHealthy: () => true },
      models.rds,
      [{ ...site, endpoints: site.endpoints.map(({ region, value }) => ({ region, value })) }],
    );
    estate.addFault({ kind: "region-down", region: TOKYO });
    const asked = estate.clock.now().getTime();

    const answer = await pinned.get(URL, 5_000);

    expect(answer).toEqual({ status: 0, body: "TimeoutError: no answer within 5000 ms" });
    expect(estate.clock.now().getTime() - asked).toBe(5_000);
  });

  it("answers status 0 for a name the zone does not have", async () => {
    const { probe } = sandbox();

    expect(await probe.get("https://gone.example.com/", 5_000)).toEqual({
      status: 0,
      body: "ENOTFOUND: getaddrinfo ENOTFOUND gone.example.com",
    });
    expect((await probe.get("https://elsewhere.test/", 5_000)).status).toBe(0);
  });
});
