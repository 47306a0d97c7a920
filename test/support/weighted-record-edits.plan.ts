import { definePlan } from "../../core/plan/define-plan.js";

/**
 * An API served from Oregon with Ireland warm: weighted records move their weight during a failover,
 * and a person approves each automatic failover before it runs.
 *
 * The tests' plan in the record-edit mode, for estates that cannot have gates (examples/oregon-ireland.plan.ts
 * is the same estate with gates): weighted routing cannot be gated safely (with both gates closed Route 53
 * answers with every record), so this plan moves traffic through Route 53's API in us-east-1, and its
 * drills show the price. Oregon's health check
 * failing lets Route 53 answer with Ireland, whose database is not yet the writer (the drill's
 * `traffic.nonWriterSeconds`), and with Route 53's API down the switch cannot happen at all.
 */
export default definePlan({
  name: "payments-api",
  regions: ["us-west-2", "eu-west-1"],
  activeRegion: "us-west-2",
  database: {
    globalClusterIdentifier: "payments-global",
    members: {
      "us-west-2": "arn:aws:rds:us-west-2:444455556666:cluster:payments-oregon",
      "eu-west-1": "arn:aws:rds:eu-west-1:444455556666:cluster:payments-ireland",
    },
    dataLoss: "never",
  },
  dns: {
    hostedZoneId: "Z9876543210EXAMPLE",
    routing: "weighted",
    activeWeight: 100,
    records: [
      {
        name: "api.payments.example.com",
        type: "A",
        ttlSeconds: 30,
        targets: {
          "us-west-2": {
            value: "192.0.2.10",
            setIdentifier: "oregon",
            healthCheckId: "3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a",
          },
          "eu-west-1": {
            value: "198.51.100.20",
            setIdentifier: "ireland",
            healthCheckId: "7e6d5c4b-3a29-4180-8f7e-6d5c4b3a2918",
          },
        },
      },
    ],
  },
  compute: {
    clusters: [
      {
        region: "us-west-2",
        name: "payments-oregon",
        nodegroups: [{ name: "api", activeSize: 8, standbySize: 4, maxSize: 12 }],
      },
      {
        region: "eu-west-1",
        name: "payments-ireland",
        nodegroups: [{ name: "api", activeSize: 8, standbySize: 4, maxSize: 12 }],
      },
    ],
  },
  triggers: {
    alarms: [{ name: "payments-oregon-health-check", region: "us-east-1" }],
    mode: "approval",
    holdSeconds: 120,
    cooldownMinutes: 60,
  },
  objectives: { rtoMinutes: 10, rpoMinutes: 1 },
  timeouts: { stepSeconds: 300, rollbackAfterMinutes: 20 },
  customSteps: [
    {
      name: "warm-caches",
      functionArn: "arn:aws:lambda:eu-west-1:444455556666:function:payments-warm-caches",
      runAfter: "promotion",
      timeoutSeconds: 120,
      expectedResult: { status: "warm" },
    },
  ],
});
