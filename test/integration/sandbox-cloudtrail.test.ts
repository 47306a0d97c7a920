import {
  type CloudTrailClient,
  type Event,
  InvalidLookupAttributesException,
  InvalidMaxResultsException,
  InvalidNextTokenException,
  InvalidTimeRangeException,
  type LookupAttributeKey,
  LookupEventsCommand,
  type LookupEventsCommandInput,
  ThrottlingException,
} from "@aws-sdk/client-cloudtrail";
import {
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  GlobalClusterNotFoundFault,
} from "@aws-sdk/client-rds";
import { ChangeResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { describe, expect, it } from "vitest";
import { SandboxEstate } from "../../sandbox/estate.js";
import { type SandboxRegionClients, sandboxClients } from "../../sandbox/sandbox-clients.js";
import {
  errorMetadata,
  type SandboxCall,
  type ServiceModel,
  type ServiceName,
  type TrailResource,
} from "../../sandbox/service-model.js";
import { CloudTrailModel, DEFAULT_DELIVERY_DELAY_MS } from "../../sandbox/services/cloudtrail-model.js";

const TOKYO = "ap-northeast-1";
const SINGAPORE = "ap-southeast-1";
const ACCOUNT = "111122223333";
const KIRIKAE = `arn:aws:sts::${ACCOUNT}:assumed-role/kirikae-tasks/kirikae-workflow-task`;
const ALICE = `arn:aws:iam::${ACCOUNT}:user/ops/alice`;
const DELIVERY = DEFAULT_DELIVERY_DELAY_MS;
const ONE_SECOND = 1_000;

/** A stand-in for a real service model: a few operations, some mutating, one way to fail. */
class FakeService implements ServiceModel {
  constructor(
    readonly service: ServiceName,
    readonly eventSource: string,
    private readonly mutating: ReadonlySet<string>,
  ) {}

  handle(call: SandboxCall): Record<string, unknown> {
    if (call.input.GlobalClusterIdentifier === "missing") {
      throw new GlobalClusterNotFoundFault({
        message: "Global cluster missing not found.",
        $metadata: errorMetadata(call, 404),
      });
    }
    return {};
  }

  isMutating(operation: string): boolean {
    return this.mutating.has(operation);
  }

  resourcesOf(call: SandboxCall): TrailResource[] {
    const id = call.input.GlobalClusterIdentifier;
    return typeof id === "string" ? [{ ResourceType: "AWS::RDS::GlobalCluster", ResourceName: id }] : [];
  }
}

function sandbox(options: { deliveryDelayMs?: number } = {}) {
  const estate = new SandboxEstate();
  const cloudtrail = new CloudTrailModel(estate, options);
  estate.register(cloudtrail);
  estate.register(
    new FakeService(
      "rds",
      "rds.amazonaws.com",
      new Set(["FailoverGlobalCluster", "SwitchoverGlobalCluster"]),
    ),
  );
  estate.register(new FakeService("route53", "route53.amazonaws.com", new Set(["ChangeResourceRecordSets"])));
  const clients = (region: string, principal = KIRIKAE, maxAttempts?: number): SandboxRegionClients =>
    sandboxClients(estate, region, principal, maxAttempts === undefined ? {} : { maxAttempts });
  /** Waits until everything recorded so far has been delivered. */
  const deliverAll = () => estate.clock.advance(DELIVERY + ONE_SECOND);
  return { estate, cloudtrail, clients, deliverAll };
}

function failover(client: SandboxRegionClients, globalCluster: string) {
  return client.rds.send(
    new FailoverGlobalClusterCommand({
      GlobalClusterIdentifier: globalCluster,
      TargetDbClusterIdentifier: `arn:aws:rds:${SINGAPORE}:${ACCOUNT}:cluster:${globalCluster}-sg`,
      AllowDataLoss: true,
    }),
  );
}

/** Reads every page the way a well-behaved reader does: one call a second, under the 2 calls/s limit. */
async function lookupAll(
  estate: SandboxEstate,
  client: CloudTrailClient,
  input: LookupEventsCommandInput = {},
): Promise<{ events: Event[]; pageSizes: number[] }> {
  const events: Event[] = [];
  const pageSizes: number[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new LookupEventsCommand({ ...input, ...(token === undefined ? {} : { NextToken: token }) }),
    );
    events.push(...(page.Events ?? []));
    pageSizes.push(page.Events?.length ?? 0);
    token = page.NextToken;
    estate.clock.advance(ONE_SECOND);
  } while (token !== undefined);
  return { events, pageSizes };
}

function detailOf(event: Event | undefined): Record<string, unknown> & {
  userIdentity: Record<string, unknown> & { sessionContext?: { sessionIssuer: Record<string, unknown> } };
} {
  return JSON.parse(event?.CloudTrailEvent ?? "null");
}

describe("sandbox CloudTrail", () => {
  it("records a mutating call with its request ID and caller, visible only after the delivery delay", async () => {
    const { estate, cloudtrail, clients } = sandbox();
    const tokyo = clients(TOKYO);

    const answer = await failover(tokyo, "shop");
    const calledAt = estate.calls.at(-1)?.at ?? new Date(0);

    expect(cloudtrail.pendingCount(TOKYO)).toBe(1);
    expect((await tokyo.cloudtrail.send(new LookupEventsCommand({}))).Events).toEqual([]);
    estate.clock.advance(calledAt.getTime() + DELIVERY - ONE_SECOND - estate.clock.now().getTime());
    expect((await tokyo.cloudtrail.send(new LookupEventsCommand({}))).Events).toEqual([]);
    estate.clock.advance(ONE_SECOND);

    const { Events } = await tokyo.cloudtrail.send(new LookupEventsCommand({}));
    expect(cloudtrail.pendingCount(TOKYO)).toBe(0);
    expect(Events).toHaveLength(1);
    const [event] = Events ?? [];
    expect(event).toMatchObject({
      EventName: "FailoverGlobalCluster",
      EventSource: "rds.amazonaws.com",
      ReadOnly: "false",
      Username: "kirikae-workflow-task",
      EventTime: calledAt,
      Resources: [{ ResourceType: "AWS::RDS::GlobalCluster", ResourceName: "shop" }],
    });
    expect(event?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    const detail = detailOf(event);
    expect(detail).toMatchObject({
      eventVersion: "1.09",
      eventName: "FailoverGlobalCluster",
      eventSource: "rds.amazonaws.com",
      awsRegion: TOKYO,
      requestID: answer.$metadata.requestId,
      eventID: event?.EventId,
      readOnly: false,
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      requestParameters: { globalClusterIdentifier: "shop", allowDataLoss: true },
      userIdentity: {
        type: "AssumedRole",
        arn: KIRIKAE,
        accountId: ACCOUNT,
        accessKeyId: event?.AccessKeyId,
        sessionContext: {
          sessionIssuer: {
            type: "Role",
            arn: `arn:aws:iam::${ACCOUNT}:role/kirikae-tasks`,
            userName: "kirikae-tasks",
          },
        },
      },
    });
    expect(detail.userIdentity.principalId).toMatch(/^AROA[A-Z2-7]{17}:kirikae-workflow-task$/);
    expect(detail).not.toHaveProperty("errorCode");
  });

  it("records only mutating calls: reads and its own lookups leave no event", async () => {
    const { estate, cloudtrail, clients, deliverAll } = sandbox();
    const tokyo = clients(TOKYO);

    await tokyo.rds.send(new DescribeGlobalClustersCommand({}));
    await tokyo.cloudtrail.send(new LookupEventsCommand({}));
    await failover(tokyo, "shop");
    deliverAll();

    expect(cloudtrail.events(TOKYO).map((event) => event.EventName)).toEqual(["FailoverGlobalCluster"]);
    expect(estate.calls.map((call) => call.operation)).toEqual([
      "DescribeGlobalClusters",
      "LookupEvents",
      "FailoverGlobalCluster",
    ]);
  });

  it("records a failed call with its errorCode and errorMessage", async () => {
    const { estate, clients, deliverAll } = sandbox();
    const tokyo = clients(TOKYO);

    await expect(failover(tokyo, "missing")).rejects.toBeInstanceOf(GlobalClusterNotFoundFault);
    const failedCall = estate.calls.at(-1);
    deliverAll();

    const { events } = await lookupAll(estate, tokyo.cloudtrail);
    expect(events).toHaveLength(1);
    expect(detailOf(events[0])).toMatchObject({
      eventName: "FailoverGlobalCluster",
      requestID: failedCall?.requestId,
      errorCode: "GlobalClusterNotFoundFault",
      errorMessage: expect.stringContaining("GlobalClusterNotFoundFault"),
    });
  });

  it("records calls by principals that are not kirikae's, as IAM users under their own name", async () => {
    const { estate, clients, deliverAll } = sandbox();

    await failover(clients(TOKYO, ALICE), "shop");
    deliverAll();

    const { events } = await lookupAll(estate, clients(TOKYO).cloudtrail);
    expect(events[0]?.Username).toBe("alice");
    expect(events[0]?.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    const identity = detailOf(events[0]).userIdentity;
    expect(identity).toMatchObject({ type: "IAMUser", arn: ALICE, accountId: ACCOUNT, userName: "alice" });
    expect(identity).not.toHaveProperty("sessionContext");
  });

  it("does not record a call that timed out against a region that is down, since it never reached AWS", async () => {
    const { estate, cloudtrail, clients } = sandbox();
    estate.addFault({ kind: "region-down", region: TOKYO });

    await expect(failover(clients(TOKYO, KIRIKAE, 1), "shop")).rejects.toMatchObject({
      name: "TimeoutError",
    });

    expect(cloudtrail.events(TOKYO)).toEqual([]);
  });

  it("filters by one lookup attribute: EventName, ResourceName, Username, AccessKeyId, EventId", async () => {
    const { estate, clients, deliverAll } = sandbox();
    const kirikae = clients(TOKYO);
    const alice = clients(TOKYO, ALICE);
    await failover(kirikae, "shop");
    await failover(alice, "billing");
    await failover(alice, "shop");
    deliverAll();
    const lookup = async (AttributeKey: LookupAttributeKey, AttributeValue: string) =>
      (await lookupAll(estate, kirikae.cloudtrail, { LookupAttributes: [{ AttributeKey, AttributeValue }] }))
        .events;

    expect(await lookup("EventName", "FailoverGlobalCluster")).toHaveLength(3);
    expect(await lookup("EventName", "SwitchoverGlobalCluster")).toHaveLength(0);
    const shop = await lookup("ResourceName", "shop");
    expect(shop.map((event) => event.Username)).toEqual(["alice", "kirikae-workflow-task"]);
    const byAlice = await lookup("Username", "alice");
    expect(byAlice.map((event) => event.Resources?.[0]?.ResourceName)).toEqual(["shop", "billing"]);
    const aliceKey = byAlice[0]?.AccessKeyId ?? "";
    expect(await lookup("AccessKeyId", aliceKey)).toHaveLength(2);
    const eventId = shop[1]?.EventId ?? "";
    expect((await lookup("EventId", eventId)).map((event) => event.EventId)).toEqual([eventId]);
    expect(await lookup("ResourceType", "AWS::RDS::GlobalCluster")).toHaveLength(3);
    expect(await lookup("EventSource", "rds.amazonaws.com")).toHaveLength(3);
    expect(await lookup("ReadOnly", "true")).toHaveLength(0);
  });

  it("filters by time range, inclusive at both ends, and refuses a start after the end", async () => {
    const { estate, clients, deliverAll } = sandbox();
    const tokyo = clients(TOKYO);
    const times: Date[] = [];
    for (const cluster of ["a", "b", "c"]) {
      await failover(tokyo, cluster);
      times.push(estate.calls.at(-1)?.at ?? new Date(0));
      estate.clock.advance(60_000);
    }
    deliverAll();

    const { events } = await lookupAll(estate, tokyo.cloudtrail, { StartTime: times[1], EndTime: times[2] });
    expect(events.map((event) => event.Resources?.[0]?.ResourceName)).toEqual(["c", "b"]);

    await expect(
      tokyo.cloudtrail.send(new LookupEventsCommand({ StartTime: times[2], EndTime: times[1] })),
    ).rejects.toBeInstanceOf(InvalidTimeRangeException);
  });

  it("pages 120 events 50 at a time, newest first, returning every event exactly once", async () => {
    const { estate, cloudtrail, clients, deliverAll } = sandbox();
    const tokyo = clients(TOKYO);
    for (let index = 0; index < 120; index++) await failover(tokyo, `cluster-${index}`);
    deliverAll();

    const { events, pageSizes } = await lookupAll(estate, tokyo.cloudtrail, { MaxResults: 50 });

    expect(pageSizes).toEqual([50, 50, 20]);
    const ids = events.map((event) => event.EventId);
    expect(new Set(ids).size).toBe(120);
    expect(new Set(ids)).toEqual(new Set(cloudtrail.events(TOKYO).map((event) => event.EventId)));
    const names = events.map((event) => event.Resources?.[0]?.ResourceName);
    expect(names).toEqual(Array.from({ length: 120 }, (_, index) => `cluster-${119 - index}`));
  });

  it("returns 50 events a page by default", async () => {
    const { estate, clients, deliverAll } = sandbox();
    const tokyo = clients(TOKYO);
    for (let index = 0; index < 51; index++) await failover(tokyo, `cluster-${index}`);
    deliverAll();

    expect((await lookupAll(estate, tokyo.cloudtrail)).pageSizes).toEqual([50, 1]);
  });

  it("neither skips nor repeats events when new ones are delivered between pages", async () => {
    const { clients, deliverAll } = sandbox({ deliveryDelayMs: 60_000 });
    const tokyo = clients(TOKYO);
    for (let index = 0; index < 60; index++) await failover(tokyo, `old-${index}`);
    deliverAll();
    for (let index = 0; index < 10; index++) await failover(tokyo, `new-${index}`);

    const first = await tokyo.cloudtrail.send(new LookupEventsCommand({ MaxResults: 50 }));
    deliverAll();
    const second = await tokyo.cloudtrail.send(
      new LookupEventsCommand({ MaxResults: 50, ...(first.NextToken ? { NextToken: first.NextToken } : {}) }),
    );

    const names = [...(first.Events ?? []), ...(second.Events ?? [])].map(
      (event) => event.Resources?.[0]?.ResourceName,
    );
    expect(names).toEqual(Array.from({ length: 60 }, (_, index) => `old-${59 - index}`));
    expect(second.NextToken).toBeUndefined();
  });

  it("refuses a forged token, and a token reused with other query parameters", async () => {
    const { estate, clients, deliverAll } = sandbox();
    const tokyo = clients(TOKYO);
    for (let index = 0; index < 3; index++) await failover(tokyo, "shop");
    deliverAll();
    const byName = [{ AttributeKey: "EventName" as const, AttributeValue: "FailoverGlobalCluster" }];

    const first = await tokyo.cloudtrail.send(
      new LookupEventsCommand({ LookupAttributes: byName, MaxResults: 1 }),
    );
    estate.clock.advance(ONE_SECOND);
    const token = first.NextToken ?? "";
    expect(token).not.toBe("");

    await expect(
      tokyo.cloudtrail.send(new LookupEventsCommand({ NextToken: `${token}x`, LookupAttributes: byName })),
    ).rejects.toBeInstanceOf(InvalidNextTokenException);
    await expect(tokyo.cloudtrail.send(new LookupEventsCommand({ NextToken: token }))).rejects.toBeInstanceOf(
      InvalidNextTokenException,
    );
    estate.clock.advance(ONE_SECOND);
    await expect(
      clients(SINGAPORE).cloudtrail.send(
        new LookupEventsCommand({ NextToken: token, LookupAttributes: byName }),
      ),
    ).rejects.toBeInstanceOf(InvalidNextTokenException);
    const second = await tokyo.cloudtrail.send(
      new LookupEventsCommand({ NextToken: token, LookupAttributes: byName, MaxResults: 1 }),
    );
    expect(second.Events).toHaveLength(1);
  });

  it("refuses more than one lookup attribute, an unknown attribute key, and MaxResults outside 1..50", async () => {
    const { estate, clients } = sandbox();
    const ct = clients(TOKYO).cloudtrail;
    const attempt = async (input: LookupEventsCommandInput) => {
      estate.clock.advance(ONE_SECOND);
      return ct.send(new LookupEventsCommand(input));
    };

    await expect(
      attempt({
        LookupAttributes: [
          { AttributeKey: "EventName", AttributeValue: "FailoverGlobalCluster" },
          { AttributeKey: "Username", AttributeValue: "alice" },
        ],
      }),
    ).rejects.toBeInstanceOf(InvalidLookupAttributesException);
    await expect(
      attempt({ LookupAttributes: [{ AttributeKey: "Region" as "EventName", AttributeValue: TOKYO }] }),
    ).rejects.toBeInstanceOf(InvalidLookupAttributesException);
    await expect(attempt({ MaxResults: 0 })).rejects.toBeInstanceOf(InvalidMaxResultsException);
    await expect(attempt({ MaxResults: 51 })).rejects.toBeInstanceOf(InvalidMaxResultsException);
    await expect(attempt({ MaxResults: 50 })).resolves.toMatchObject({ Events: [] });
  });

  it("throttles a third lookup within one second with ThrottlingException (HTTP 400), then allows it again", async () => {
    const { estate, clients } = sandbox();
    const tokyo = clients(TOKYO, KIRIKAE, 1).cloudtrail;
    await tokyo.send(new LookupEventsCommand({}));
    await tokyo.send(new LookupEventsCommand({}));

    const refused = await tokyo.send(new LookupEventsCommand({})).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(ThrottlingException);
    expect(refused).toMatchObject({
      name: "ThrottlingException",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
    });
    // The limit is per region: Singapore's lookups are not counted against Tokyo's.
    await expect(
      clients(SINGAPORE, KIRIKAE, 1).cloudtrail.send(new LookupEventsCommand({})),
    ).resolves.toBeDefined();
    estate.clock.advance(ONE_SECOND);
    await expect(tokyo.send(new LookupEventsCommand({}))).resolves.toMatchObject({ Events: [] });
  });

  it("keeps events in the region the call was made in, and Route 53's in us-east-1", async () => {
    const { estate, cloudtrail, clients, deliverAll } = sandbox();
    const tokyo = clients(TOKYO);
    const singapore = clients(SINGAPORE);
    await failover(tokyo, "in-tokyo");
    await failover(singapore, "in-singapore");
    await tokyo.route53.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: "Z123", ChangeBatch: { Changes: [] } }),
    );
    deliverAll();

    const looked = async (region: string) => (await lookupAll(estate, clients(region).cloudtrail)).events;

    expect((await looked(TOKYO)).map((event) => event.Resources?.[0]?.ResourceName)).toEqual(["in-tokyo"]);
    expect((await looked(SINGAPORE)).map((event) => event.Resources?.[0]?.ResourceName)).toEqual([
      "in-singapore",
    ]);
    const global = await looked("us-east-1");
    expect(global.map((event) => event.EventSource)).toEqual(["route53.amazonaws.com"]);
    expect(detailOf(global[0])).toMatchObject({
      awsRegion: "us-east-1",
      requestParameters: { hostedZoneId: "Z123", changeBatch: { changes: [] } },
    });
    expect(cloudtrail.events(TOKYO).map((event) => event.region)).toEqual([TOKYO]);
  });
});
