/**
 * Benchmark (not a test): an auditor's question, answered two ways over the same history of 50,000
 * mutating AWS calls (100,000 audit records, intent and outcome of each call), and measured both ways:
 *   - kirikae's audit index: the trail's records in a real local DynamoDB (dynalite), queried through its
 *     indexes; wall-clock time, median of 5
 *   - CloudTrail's LookupEvents: the same calls recorded as management events by the sandbox's CloudTrail
 *     model, looked up through the real SDK client by the production adapter (adapters/aws/cloudtrail-
 *     evidence.ts), which pages 50 events at a time and paces itself to LookupEvents' limit of two calls a
 *     second per account and Region on the virtual clock (the model refuses a third with ThrottlingException).
 *     LookupEvents cannot ask for an execution, so it reads every event in the execution's time window, in
 *     each Region the execution called (Route 53's calls are recorded in us-east-1), the Regions at once.
 *     Reported: the modelled time on the virtual clock, the wall-clock time the sandbox took, and the calls.
 * Nothing printed is computed from a formula. Run with `npm run bench:audit`.
 */
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { CloudTrailEvidence } from "../adapters/aws/cloudtrail-evidence.js";
import { DynamoDbAuditTrail } from "../adapters/aws/dynamodb-audit-trail.js";
import { chainRecord } from "../core/audit/hash-chain.js";
import type { AuditRecord } from "../core/ports/audit.js";
import type { TrailEvidence } from "../core/ports/evidence.js";
import { SandboxEstate } from "../sandbox/estate.js";
import { startLocalDynamoDb } from "../sandbox/local-dynamodb.js";
import { clientProvider } from "../sandbox/sandbox-control-plane.js";
import type { SandboxCall, ServiceModel, ServiceName, TrailResource } from "../sandbox/service-model.js";
import { CloudTrailModel, DEFAULT_DELIVERY_DELAY_MS } from "../sandbox/services/cloudtrail-model.js";
import { VirtualClock } from "../sandbox/virtual-clock.js";

const CALLS = 50_000;
const CALLS_PER_EXECUTION = 25;
const DAYS = 10;
const RUNS = 5;
const ACCOUNT = "111122223333";
const RECOVERY_REGION = "ap-southeast-1";
const ROUTE53_REGION = "us-east-1";
const START = new Date("2026-01-01T00:00:00.000Z");
const AUDITOR = `arn:aws:iam::${ACCOUNT}:user/auditor`;

/** The calls a failover makes, each recorded by CloudTrail in the Region whose endpoint it went to. */
const ACTIONS = [
  {
    action: "rds:FailoverGlobalCluster",
    service: "rds",
    eventSource: "rds.amazonaws.com",
    region: RECOVERY_REGION,
    input: { GlobalClusterIdentifier: "shop-global" },
  },
  {
    action: "eks:UpdateNodegroupConfig",
    service: "eks",
    eventSource: "eks.amazonaws.com",
    region: RECOVERY_REGION,
    input: { clusterName: "shop-singapore", nodegroupName: "web" },
  },
  {
    action: "route53:ChangeResourceRecordSets",
    service: "route53",
    eventSource: "route53.amazonaws.com",
    region: ROUTE53_REGION,
    input: { HostedZoneId: "Z0123456789ABCDEFGHIJ" },
  },
] as const;

/**
 * A service that accepts the history's calls and changes nothing: the history needs only CloudTrail to
 * record each call as it records kirikae's in a drill (the estate's call listener), not 50,000 real
 * promotions. Lookups go through the real CloudTrail model.
 */
class RecordedService implements ServiceModel {
  constructor(
    readonly service: ServiceName,
    readonly eventSource: string,
  ) {}

  handle(): Record<string, unknown> {
    return {};
  }

  isMutating(): boolean {
    return true;
  }

  resourcesOf(call: SandboxCall): TrailResource[] {
    const name = Object.values(call.input).find((value) => typeof value === "string");
    return typeof name === "string" ? [{ ResourceType: call.service, ResourceName: name }] : [];
  }
}

// 1. The history: each call made at its time on the virtual clock, between its two audit records.
const historyStart = performance.now();
const clock = new VirtualClock(START);
const estate = new SandboxEstate({ clock });
estate.register(new CloudTrailModel(estate));
for (const { service, eventSource } of ACTIONS) estate.register(new RecordedService(service, eventSource));
const spacingMs = (DAYS * 86_400_000) / CALLS;
const records: AuditRecord[] = [];
const executionId = (execution: number) =>
  `arn:aws:states:${RECOVERY_REGION}:${ACCOUNT}:execution:kirikae-failover:run-${execution}`;
for (let index = 0; index < CALLS; index++) {
  const spec = ACTIONS[index % ACTIONS.length] ?? ACTIONS[0];
  const task = `kirikae-task-${index % 7}`;
  const base = {
    plan: "shop",
    executionId: executionId(Math.floor(index / CALLS_PER_EXECUTION)),
    action: spec.action,
    actor: `lambda:${task}`,
    resource: Object.values(spec.input)[0] ?? spec.action,
    region: spec.region,
  };
  clock.advance(START.getTime() + index * spacingMs - clock.now().getTime());
  records.push(
    chainRecord(
      { ...base, kind: "intent", outcome: "pending", at: clock.now().toISOString() },
      records.at(-1),
    ),
  );
  const output = await estate.invoke(
    spec.service,
    spec.region,
    spec.action.split(":")[1] ?? "",
    { ...spec.input },
    `arn:aws:sts::${ACCOUNT}:assumed-role/kirikae-tasks/${task}`,
  );
  const requestId = String((output.$metadata as { requestId?: unknown }).requestId ?? "");
  records.push(
    chainRecord(
      { ...base, kind: "outcome", outcome: "ok", requestId, at: clock.now().toISOString() },
      records.at(-1),
    ),
  );
}
// Every event delivered before anyone looks.
clock.advance(DEFAULT_DELIVERY_DELAY_MS + 3_600_000);
console.log(
  `history: ${CALLS.toLocaleString("en")} calls over ${DAYS} days recorded by the CloudTrail model, ${records.length.toLocaleString("en")} audit records (${((performance.now() - historyStart) / 1000).toFixed(1)} s)`,
);

// 2. The audit records in the trail's table.
const dynamo = await startLocalDynamoDb("bench-kirikae");
const documents = DynamoDBDocumentClient.from(dynamo.client);
const table = dynamo.tableNames.audit ?? "";
const trail = new DynamoDbAuditTrail(documents, table);
let indexQueries = 0;
documents.middlewareStack.add(
  (next, context) => (args) => {
    if (context.commandName === "QueryCommand") indexQueries += 1;
    return next(args);
  },
  { step: "initialize", name: "benchCountQueries" },
);
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
  `loaded ${records.length.toLocaleString("en")} audit records into the trail in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`,
);

// 3. The two ways to answer.
const auditorClients = clientProvider(estate, AUDITOR);
const regions = [...new Set(ACTIONS.map((spec) => spec.region))];

interface LookupRun {
  modelledSeconds: number;
  wallMs: number;
  calls: number;
  throttled: number;
  events: number;
}

async function lookup(window: { start: Date; end: Date }): Promise<LookupRun> {
  // A fresh auditor's question, a minute after the last: no pacing or rate window carried over from it.
  clock.advance(60_000);
  const evidence = new CloudTrailEvidence(auditorClients, clock);
  const callsBefore = estate.calls.length;
  const modelledFrom = clock.now().getTime();
  const began = performance.now();
  const found: TrailEvidence[][] = await Promise.all(
    regions.map((region) => evidence.events({ region, ...window })),
  );
  const wallMs = performance.now() - began;
  const lookups = estate.calls.slice(callsBefore).filter((call) => call.operation === "LookupEvents");
  return {
    modelledSeconds: (clock.now().getTime() - modelledFrom) / 1000,
    wallMs,
    calls: lookups.length,
    throttled: lookups.filter((call) => call.error === "ThrottlingException").length,
    events: found.flat().length,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function measure(
  label: string,
  question: () => Promise<AuditRecord[]>,
  window: { start: Date; end: Date },
) {
  const indexMs: number[] = [];
  let answered = 0;
  let queries = 0;
  for (let run = 0; run < RUNS; run++) {
    const queriesBefore = indexQueries;
    const began = performance.now();
    answered = (await question()).length;
    indexMs.push(performance.now() - began);
    queries = indexQueries - queriesBefore;
  }
  const lookups: LookupRun[] = [];
  for (let run = 0; run < RUNS; run++) lookups.push(await lookup(window));
  const index = median(indexMs);
  const modelled = median(lookups.map((run) => run.modelledSeconds));
  const [first] = lookups;
  console.log(`\n${label}`);
  console.log(
    `  audit index:  ${answered.toLocaleString("en")} records in ${index.toFixed(1)} ms wall clock (median of ${RUNS}, local DynamoDB); ${queries} Query calls`,
  );
  console.log(
    `  LookupEvents: ${first?.events.toLocaleString("en")} events in ${modelled.toFixed(2)} s modelled (virtual clock), ` +
      `${median(lookups.map((run) => run.wallMs)).toFixed(0)} ms wall clock in the sandbox (median of ${RUNS}); ` +
      `${first?.calls} calls, ${first?.throttled} throttled, in ${regions.join(" and ")}`,
  );
  console.log(
    `  ratio, this run: LookupEvents' modelled time is ${((modelled * 1000) / index).toFixed(0)}x the index's wall-clock time`,
  );
}

const middle = Math.floor(CALLS / CALLS_PER_EXECUTION / 2);
const executionRecords = records.filter((record) => record.executionId === executionId(middle));
const firstAt = new Date(executionRecords[0]?.at ?? START);
const lastAt = new Date(executionRecords.at(-1)?.at ?? START);
// The auditor knows the execution's start and stop times (Step Functions DescribeExecution), not its events.
await measure(
  "one execution (its own time window in CloudTrail)",
  () => trail.query({ executionId: executionId(middle) }),
  {
    start: firstAt,
    end: lastAt,
  },
);
await measure(
  "one day",
  () => trail.query({ from: "2026-01-05T00:00:00.000Z", to: "2026-01-05T23:59:59.999Z" }),
  { start: new Date("2026-01-05T00:00:00.000Z"), end: new Date("2026-01-05T23:59:59.999Z") },
);
console.log(
  "\nThe CloudTrail model records mutating calls only, and only this history's; an account's reads and other workloads add pages to every LookupEvents answer.",
);
await dynamo.stop();
