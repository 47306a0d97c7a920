import { definePlan } from "../../core/plan/define-plan.js";
import type { LegacyPlanInput, Plan } from "../../core/plan/schema.js";

/** A small, valid two-region plan for tests; each test overrides only what it is about. */
export function testPlanInput(): LegacyPlanInput {
  return {
    name: "shop",
    regions: ["ap-northeast-1", "ap-southeast-1"],
    activeRegion: "ap-northeast-1",
    database: {
      globalClusterIdentifier: "shop-global",
      members: {
        "ap-northeast-1": "arn:aws:rds:ap-northeast-1:111122223333:cluster:shop-tokyo",
        "ap-southeast-1": "arn:aws:rds:ap-southeast-1:111122223333:cluster:shop-singapore",
      },
      dataLoss: "within-rpo",
    },
    dns: {
      hostedZoneId: "Z0123456789ABCDEFGHIJ",
      routing: "failover",
      records: [
        {
          name: "app.example.com",
          type: "CNAME",
          ttlSeconds: 60,
          targets: {
            "ap-northeast-1": {
              value: "shop-tokyo.elb.example.com",
              setIdentifier: "tokyo",
              healthCheckId: "11111111-1111-4111-8111-111111111111",
            },
            "ap-southeast-1": {
              value: "shop-singapore.elb.example.com",
              setIdentifier: "singapore",
              healthCheckId: "22222222-2222-4222-8222-222222222222",
            },
          },
        },
      ],
    },
    compute: {
      clusters: [
        {
          region: "ap-northeast-1",
          name: "shop-tokyo",
          nodegroups: [
            { name: "web", activeSize: 6, standbySize: 2, maxSize: 10 },
            { name: "worker", activeSize: 3, standbySize: 1, maxSize: 6 },
          ],
        },
        {
          region: "ap-southeast-1",
          name: "shop-singapore",
          nodegroups: [
            { name: "web", activeSize: 6, standbySize: 2, maxSize: 10 },
            { name: "worker", activeSize: 3, standbySize: 1, maxSize: 6 },
          ],
        },
      ],
    },
    triggers: {
      alarms: [{ name: "shop-tokyo-health", region: "us-east-1" }],
      mode: "automatic",
      holdSeconds: 60,
      cooldownMinutes: 30,
    },
    objectives: { rtoMinutes: 15, rpoMinutes: 5 },
  };
}

/** The test plan moving traffic by S3 object gates, as the examples do. */
export function gatedTestPlan(change: (input: LegacyPlanInput) => void = () => undefined): Plan {
  return testPlan((input) => {
    input.dns.gates = { kind: "s3-object", bucket: "shop-traffic-gates" };
    change(input);
  });
}

export function testPlan(change: (input: LegacyPlanInput) => void = () => undefined): Plan {
  const input = testPlanInput();
  change(input);
  return definePlan(input);
}
