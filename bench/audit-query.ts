/**
 * Benchmark (not a test): an auditor's question over 100,000 audit records, answered from the trail's
 * indexes in a real local DynamoDB, next to the least time the same question takes through CloudTrail's
 * LookupEvents (2 calls per second, 50 events a page, and no way to ask for one execution).
 * Run with `npm run bench:audit`.
 */
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDbAuditTrail } from "../adapters/aws/dynamodb-audit-trail.js";
import { chainRecord } from "../core/audit/hash-chain.js";
import type { AuditRecord } from "../core/ports/audit.js";
import { startLocalDynamoDb } from "../sandbox/local-dynamodb.js";

const RECORDS = 100_000;
const RECORDS_PER_EXECUTION = 50;
const DAYS = 10;
const LOOKUP_CALLS_PER_SECOND = 2;
const LOOKUP_PAGE = 50;

const dynamo = await startLocalDynamoDb("bench-kirikae");
const documents = DynamoDBDocumentClient.from(dynamo.client);
const table = dynamo.tableNames.audit ?? "";
const trail = new DynamoDbAuditTrail(documents, table);

const start = new Date("2026-01-01T00:00:00.000Z").getTime();
const spacingMs = (DAYS * 86_400_000) / RECORDS;
const records: AuditRecord[] = [];
for (let index = 0; index < RECORDS; index++) {
  const execution = Math.floor(index / RECORDS_PER_EXECUTION);
  records.push(
    chainRecord(
      {
        plan: "shop",
        executionId: `arn:aws:states:ap-southeast-1:111122223333:execution:kirikae-failover:run-${execution}`,
        kind: index % 2 === 0 ? "intent" : "outcome",
        action:
          ["rds:FailoverGlobalCluster", "eks:UpdateNodegroupConfig", "route53:ChangeResourceRecordSets"][
            index % 3
          ] ?? "",
        actor: `lambda:kirikae-task-${index % 7}`,
        at: new Date(start + index * spacingMs).toISOString(),
        outcome: "ok",
        requestId: `req-${index}`,
      },
      records.at(-1),
    ),
  );
}

const loadStart = performance.now();
const batches: AuditRecord[][] = [];
for (let index = 0; index < records.length; index += 25) batches.push(records.slice(index, index + 25));
let next = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < batches.length) {
      const batch = batches[next++] ?? [];
      await documents.send(
        new BatchWriteCommand({
          RequestItems: {
            [table]: batch.map((record) => ({
              PutRequest: {
                Item: { ...record, seq: String(record.seq).padStart(12, "0"), day: record.at.slice(0, 10) },
              },
            })),
          },
        }),
      );
    }
  }),
);
console.log(
  `loaded ${RECORDS.toLocaleString("en")} records in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`,
);

async function measure(label: string, question: () => Promise<AuditRecord[]>, eventsInWindow: number) {
  const runs: number[] = [];
  let answered = 0;
  for (let run = 0; run < 5; run++) {
    const began = performance.now();
    answered = (await question()).length;
    runs.push(performance.now() - began);
  }
  const median = [...runs].sort((a, b) => a - b)[2] ?? 0;
  const lookupSeconds = Math.ceil(eventsInWindow / LOOKUP_PAGE) / LOOKUP_CALLS_PER_SECOND;
  console.log(`${label}: ${answered.toLocaleString("en")} records`);
  console.log(`  from the index:  ${median.toFixed(0)} ms (median of 5)`);
  console.log(
    `  via LookupEvents: at least ${lookupSeconds.toFixed(1)} s (${eventsInWindow.toLocaleString("en")} events in the window, 50 a page, 2 calls/s)`,
  );
  console.log(`  ratio: LookupEvents takes ${((lookupSeconds * 1000) / median).toFixed(0)}x as long`);
}

const execution = records[RECORDS / 2]?.executionId ?? "";
// LookupEvents cannot ask for an execution: it must read every event in the execution's time window.
await measure("one execution", () => trail.query({ executionId: execution }), RECORDS_PER_EXECUTION);
await measure(
  "one day",
  () => trail.query({ from: "2026-01-05T00:00:00.000Z", to: "2026-01-05T23:59:59.999Z" }),
  RECORDS / DAYS,
);
await dynamo.stop();
