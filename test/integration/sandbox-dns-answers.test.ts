import { ChangeResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { describe, expect, it } from "vitest";
import { buildEstate } from "../../sandbox/build-estate.js";
import { sandboxClients } from "../../sandbox/sandbox-clients.js";
import { SandboxDnsAnswers } from "../../sandbox/sandbox-dns-answers.js";
import { testPlan } from "../support/plan-fixtures.js";
import { OPERATOR } from "../support/sandbox-fixtures.js";

const plan = testPlan();
const TOKYO_CHECK = "11111111-1111-4111-8111-111111111111";

function sandboxDns() {
  const built = buildEstate([plan]);
  const dns = new SandboxDnsAnswers(built.models.route53, plan.dns.hostedZoneId, built.estate.clock);
  return { ...built, dns };
}

describe("sandbox DNS answers (the data plane a failover confirms its switch on)", () => {
  it("answers as Route 53's name servers would, health checks applied", async () => {
    const { dns, models } = sandboxDns();

    const before = await dns.answer("app.example.com", "CNAME");
    models.route53.setEndpointHealth(TOKYO_CHECK, false);
    const after = await dns.answer("app.example.com", "CNAME");

    expect({ before, after }).toEqual({
      before: ["shop-tokyo.elb.example.com"],
      after: ["shop-singapore.elb.example.com"],
    });
  });

  it("keeps answering, at once, while us-east-1 and with it Route 53's API are down", async () => {
    const { dns, estate } = sandboxDns();
    estate.addFault({ kind: "region-down", region: "us-east-1" });
    const route53Api = sandboxClients(estate, "us-east-1", OPERATOR).route53;
    const edit = route53Api
      .send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: plan.dns.hostedZoneId,
          ChangeBatch: { Changes: [] },
        }),
      )
      .catch((error: unknown) => error);
    const askedAt = estate.clock.now();

    const answer = await dns.answer("app.example.com", "CNAME");

    expect(answer).toEqual(["shop-tokyo.elb.example.com"]);
    expect(estate.clock.now()).toEqual(askedAt);
    expect(await edit).toMatchObject({ name: "TimeoutError" });
  });

  it("keeps each query, so a test can show a confirmation asked DNS and not Route 53's API", async () => {
    const { dns, estate } = sandboxDns();

    await dns.answer("app.example.com", "CNAME");
    await dns.answer("gone.example.com", "CNAME");

    expect(dns.queries).toEqual([
      {
        at: estate.clock.now(),
        name: "app.example.com",
        type: "CNAME",
        answer: ["shop-tokyo.elb.example.com"],
      },
      { at: estate.clock.now(), name: "gone.example.com", type: "CNAME", answer: [] },
    ]);
    expect(estate.calls).toEqual([]);
  });
});
