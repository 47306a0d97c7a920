import { FailoverGlobalClusterCommand, RDSClient } from "@aws-sdk/client-rds";
import { ChangeResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { describe, expect, it } from "vitest";
import { CloudWatchReplicationLag } from "../../adapters/aws/cloudwatch-replication-lag.js";
import { RdsGlobalDatabase } from "../../adapters/aws/rds-global-database.js";
import { Route53Dns } from "../../adapters/aws/route53-dns.js";
import { chainRecord } from "../../core/audit/hash-chain.js";
import {
  batchSize,
  CHANGE_BATCH_LIMITS,
  changeBatches,
  type SwitchTrafficDeps,
  switchTraffic,
  type TrafficProgress,
} from "../../core/failover/switch-traffic.js";
import type { Plan } from "../../core/plan/schema.js";
import type { AuditEntry, AuditPort, AuditRecord } from "../../core/ports/audit.js";
import type { RecordChange } from "../../core/ports/dns.js";
import type { StepContext } from "../../core/workflow/step-context.js";
import { buildEstate } from "../../sandbox/build-estate.js";
import { clientProvider } from "../../sandbox/sandbox-control-plane.js";
import { SandboxDnsAnswers } from "../../sandbox/sandbox-dns-answers.js";
import { testPlan } from "../support/plan-fixtures.js";
import { OPERATOR, SINGAPORE, SINGAPORE_CLUSTER, TOKYO } from "../support/sandbox-fixtures.js";

/** A weighted plan with `count` A records in one zone, each with a target in both regions. */
function planWithRecords(count: number): Plan {
  return testPlan((input) => {
    input.dns.routing = "weighted";
    input.dns.records = Array.from({ length: count }, (_, index) => ({
      name: `svc-${String(index).padStart(3, "0")}.example.com`,
      type: "A",
      ttlSeconds: 60,
      targets: {
        [TOKYO]: { value: `192.0.2.${index % 250}`, setIdentifier: "tokyo" },
        [SINGAPORE]: { value: `198.51.100.${index % 250}`, setIdentifier: "singapore" },
      },
    }));
  });
}

/** The audit trail in memory, chained as the table chains it: what each step appended, in order. */
class MemoryAudit implements AuditPort {
  readonly records: AuditRecord[] = [];

  async append(entry: AuditEntry): Promise<AuditRecord> {
    const record = chainRecord(entry, this.records.at(-1));
    this.records.push(record);
    return record;
  }
}

/**
 * The sandbox estate of `plan` with Singapore's cluster promoted to writer (through RDS's own API), and
 * the record-edit switch run to the end as the state machine would: the step, then its poll interval.
 */
async function switchInSandbox(plan: Plan) {
  const built = buildEstate([plan]);
  const { estate, models } = built;
  const clients = clientProvider(estate, OPERATOR);
  await clients
    .forRegion(SINGAPORE)
    .get(RDSClient)
    .send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: plan.database.globalClusterIdentifier,
        TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
        AllowDataLoss: true,
      }),
    );
  const database = new RdsGlobalDatabase(clients, new CloudWatchReplicationLag(clients, estate.clock));
  while ((await database.describe(plan.database.globalClusterIdentifier, SINGAPORE)).failover) {
    await estate.clock.sleep(5_000);
  }
  const arranged = estate.calls.length;
  const audit = new MemoryAudit();
  const context: StepContext = {
    plan,
    request: {
      plan: plan.name,
      kind: "failover",
      sourceRegion: TOKYO,
      targetRegion: SINGAPORE,
      trigger: { type: "manual", reason: "drill", detectedAt: estate.clock.now().toISOString() },
    },
    execution: {
      id: "arn:aws:states:ap-southeast-1:111122223333:execution:failover:batch",
      startedAt: estate.clock.now().toISOString(),
    },
    clock: estate.clock,
    audit,
    actor: OPERATOR,
  };
  const deps: SwitchTrafficDeps = {
    dns: new Route53Dns(clients),
    database,
    gates: { set: () => Promise.reject(new Error("a record-edit plan has no gates")) },
    answers: new SandboxDnsAnswers(models.route53, plan.dns.hostedZoneId, estate.clock),
  };
  const startedAt = estate.clock.now().getTime();
  let progress: TrafficProgress | undefined;
  do {
    if (progress?.pollAfterSeconds) await estate.clock.sleep(progress.pollAfterSeconds * 1_000);
    progress = await switchTraffic(context, deps, progress);
  } while (progress.status === "pending");
  const calls = estate.calls.slice(arranged).filter((call) => call.service === "route53");
  return {
    progress,
    calls,
    audit: audit.records,
    seconds: (estate.clock.now().getTime() - startedAt) / 1_000,
    answers: (name: string) => models.route53.answer(plan.dns.hostedZoneId, name, "A"),
  };
}

function upsert(value: string, name = "a.example.com"): RecordChange {
  return { action: "UPSERT", record: { name, type: "A", ttl: 60, values: [value] } };
}

describe("DNS change batches", () => {
  it("counts an UPSERT's records and characters twice, as Route 53 does", () => {
    expect(batchSize([upsert("192.0.2.1")])).toEqual({ resourceRecords: 2, valueCharacters: 18 });
    expect(batchSize([{ action: "DELETE", record: upsert("192.0.2.1").record }])).toEqual({
      resourceRecords: 1,
      valueCharacters: 9,
    });
  });

  it("splits at 1,000 ResourceRecord elements and never splits one record's changes", () => {
    const edits = Array.from({ length: 300 }, (_, index) => ({
      name: `r${index}`,
      changes: [upsert("192.0.2.1"), upsert("198.51.100.1")],
    }));

    const batches = changeBatches(edits);

    expect(batches.map((batch) => batch.length)).toEqual([250, 50]);
    for (const batch of batches) {
      expect(batchSize(batch.flatMap((edit) => edit.changes)).resourceRecords).toBeLessThanOrEqual(
        CHANGE_BATCH_LIMITS.resourceRecords,
      );
    }
    expect(batches.flat().map((edit) => edit.name)).toEqual(edits.map((edit) => edit.name));
  });

  it("splits at 32,000 characters of values when the values are long", () => {
    const long = "x".repeat(1_000);
    const edits = Array.from({ length: 20 }, () => ({ changes: [upsert(long)] }));

    const batches = changeBatches(edits);

    expect(batches.map((batch) => batch.length)).toEqual([16, 4]);
  });

  it("switches a plan of 200 records with one change batch and one change ID polled", async () => {
    const plan = planWithRecords(200);

    const result = await switchInSandbox(plan);

    const changes = result.calls.filter((call) => call.operation === "ChangeResourceRecordSets");
    const polls = result.calls.filter((call) => call.operation === "GetChange");
    const reads = result.calls.filter((call) => call.operation === "ListResourceRecordSets");
    expect(changes).toHaveLength(1);
    const batch = changes[0]?.input.ChangeBatch as { Changes?: unknown[] } | undefined;
    expect(batch?.Changes).toHaveLength(400);
    expect(result.progress.changeIds).toHaveLength(1);
    expect(new Set(polls.map((call) => call.input.Id))).toEqual(new Set(result.progress.changeIds));
    // 400 record sets: two pages of ListResourceRecordSets, not a read per record.
    expect(reads.length).toBeLessThanOrEqual(2);
    expect(result.answers("svc-199.example.com")).toEqual(["198.51.100.199"]);
    // The change propagates in 60 s; polled every 5 s, the switch takes no longer than one record's.
    expect(result.seconds).toBeLessThan(70);
  });

  it("audits the batch as one action holding its request ID and naming every record it changed", async () => {
    const plan = planWithRecords(200);

    const result = await switchInSandbox(plan);

    const [change] = result.calls.filter((call) => call.operation === "ChangeResourceRecordSets");
    const actions = result.audit.filter((record) => record.action === "route53:ChangeResourceRecordSets");
    expect(actions.map((record) => record.kind)).toEqual(["intent", "outcome"]);
    expect(actions[1]?.requestId).toBe(change?.requestId);
    expect(actions[0]?.resource).toBe(plan.dns.hostedZoneId);
    expect(actions[0]?.details?.records).toEqual(plan.dns.records.map((record) => `${record.name} A`));
  });

  it("splits 300 records into two batches, each audited with its own request ID and records, and polls both", async () => {
    const plan = planWithRecords(300);

    const result = await switchInSandbox(plan);

    const changes = result.calls.filter((call) => call.operation === "ChangeResourceRecordSets");
    const outcomes = result.audit.filter(
      (record) => record.action === "route53:ChangeResourceRecordSets" && record.kind === "outcome",
    );
    const intents = result.audit.filter(
      (record) => record.action === "route53:ChangeResourceRecordSets" && record.kind === "intent",
    );
    expect(changes).toHaveLength(2);
    expect(outcomes.map((record) => record.requestId)).toEqual(changes.map((call) => call.requestId));
    expect(intents.map((record) => record.details?.batch)).toEqual(["1 of 2", "2 of 2"]);
    expect(intents.flatMap((record) => record.details?.records as string[])).toEqual(
      plan.dns.records.map((record) => `${record.name} A`),
    );
    expect(result.progress.changeIds).toHaveLength(2);
    expect(result.answers("svc-299.example.com")).toEqual(["198.51.100.49"]);
  });

  it("reads records far apart in a big zone with one page each, jumping over the records between them", async () => {
    const plan = testPlan((input) => {
      input.dns.routing = "weighted";
      input.dns.records = ["a.example.com", "z.example.com"].map((name) => ({
        name,
        type: "A",
        ttlSeconds: 60,
        targets: {
          [TOKYO]: { value: "192.0.2.1", setIdentifier: "tokyo" },
          [SINGAPORE]: { value: "198.51.100.1", setIdentifier: "singapore" },
        },
      }));
    });
    const { estate } = buildEstate([plan]);
    const clients = clientProvider(estate, OPERATOR);
    for (let batch = 0; batch < 2; batch++) {
      await clients
        .forRegion(TOKYO)
        .get(Route53Client)
        .send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: plan.dns.hostedZoneId,
            ChangeBatch: {
              Changes: Array.from({ length: 300 }, (_, index) => ({
                Action: "CREATE" as const,
                ResourceRecordSet: {
                  Name: `m-${batch}-${String(index).padStart(3, "0")}.example.com`,
                  Type: "A" as const,
                  TTL: 60,
                  ResourceRecords: [{ Value: "203.0.113.1" }],
                },
              })),
            },
          }),
        );
    }
    const arranged = estate.calls.length;

    const sets = await new Route53Dns(clients).listRecordsOf(plan.dns.hostedZoneId, [
      { name: "z.example.com", type: "A" },
      { name: "a.example.com", type: "A" },
      { name: "missing.example.com", type: "A" },
    ]);

    expect(sets.map((set) => `${set.name} ${set.setIdentifier}`).sort()).toEqual([
      "a.example.com. singapore",
      "a.example.com. tokyo",
      "z.example.com. singapore",
      "z.example.com. tokyo",
    ]);
    const reads = estate.calls.slice(arranged).map((call) => call.input.StartRecordName);
    // One page from a (a's sets, then the 298 records after it), then a jump over the other 302 to where
    // missing would be, whose page holds z's sets too; missing, in no page, is read once on its own.
    expect(reads).toEqual(["a.example.com.", "missing.example.com.", "missing.example.com."]);
  });
});
