import { describe, expect, it } from "vitest";
import type { DnsAnswersPort } from "../../core/ports/dns-answers.js";
import { answerReaches } from "../../core/traffic/answer-reaches.js";
import { gatedTestPlan, testPlan } from "../support/plan-fixtures.js";

const TOKYO = "ap-northeast-1";
const SINGAPORE = "ap-southeast-1";
const SINGAPORE_ALB = "dualstack.shop-singapore-123.ap-southeast-1.elb.amazonaws.com";

/** An A alias record per region, as ALB-fronted services are published. */
const plan = gatedTestPlan((input) => {
  const [record] = input.dns.records;
  if (!record) throw new Error("the fixture has a record");
  record.type = "A";
  record.targets = {
    [TOKYO]: {
      setIdentifier: "tokyo",
      alias: {
        hostedZoneId: "Z14GRHDCWA56QT",
        dnsName: "dualstack.shop-tokyo-1.ap-northeast-1.elb.amazonaws.com",
        evaluateTargetHealth: true,
      },
    },
    [SINGAPORE]: {
      setIdentifier: "singapore",
      alias: { hostedZoneId: "Z1LMS91P8CMLE5", dnsName: SINGAPORE_ALB, evaluateTargetHealth: true },
    },
  };
});
const [record] = plan.dns.records;

/** Real resolvers: the load balancer's name resolves to addresses that rotate among its nodes. */
const resolvers: DnsAnswersPort = {
  answer: async () => [],
  addressesOf: async (hostname) =>
    hostname === SINGAPORE_ALB ? ["203.0.113.10", "203.0.113.11"] : ["198.51.100.7"],
};

describe("does the name servers' answer send users to a region", () => {
  it("recognises an alias answered with any of its load balancer's current addresses, not its name", async () => {
    if (!record) throw new Error("no record");

    const reachesSingapore = await answerReaches(resolvers, record, SINGAPORE, ["203.0.113.11"]);
    const reachesTokyo = await answerReaches(resolvers, record, TOKYO, ["203.0.113.11"]);

    expect({ reachesSingapore, reachesTokyo }).toEqual({ reachesSingapore: true, reachesTokyo: false });
  });

  it("compares a plain value as DNS does, ignoring case and the trailing dot", async () => {
    const plain = testPlan().dns.records[0];
    if (!plain) throw new Error("no record");

    await expect(
      answerReaches(resolvers, plain, SINGAPORE, ["SHOP-SINGAPORE.elb.example.com."]),
    ).resolves.toBe(true);
    await expect(answerReaches(resolvers, plain, SINGAPORE, ["shop-tokyo.elb.example.com"])).resolves.toBe(
      false,
    );
  });
});
