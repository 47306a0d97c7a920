import { definePlan } from "../core/plan/define-plan.js";

/**
 * An API served from Oregon with Ireland warm, written in TypeScript so the editor checks it: a person
 * approves each automatic failover before it runs, and again before any loss beyond the RPO. Traffic
 * moves by S3 object gates kept in Ireland, so nothing on the failover's path is in Oregon or us-east-1.
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
    // A person weighs any loss beyond the one-minute RPO: the failover pauses and asks.
    dataLoss: "approval-above-rpo",
  },
  dns: {
    hostedZoneId: "Z9876543210EXAMPLE",
    routing: "failover",
    gates: { kind: "s3-object", bucket: "payments-traffic-gates" },
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
    alarms: [
      { name: "payments-oregon-health-check", region: "us-east-1" },
      // Evaluated from Ireland, so an outage of Oregon or of us-east-1 cannot silence every trigger.
      { name: "payments-oregon-canary-from-ireland", region: "eu-west-1" },
    ],
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
