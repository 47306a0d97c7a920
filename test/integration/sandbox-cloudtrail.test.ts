import {
  InvalidLookupAttributesException,
  LookupEventsCommand,
  type LookupEventsCommandInput,
} from "@aws-sdk/client-cloudtrail";
import { SwitchoverGlobalClusterCommand } from "@aws-sdk/client-rds";
import { describe, expect, it } from "vitest";
import { CloudTrailModel } from "../../sandbox/services/cloudtrail-model.js";
import { RdsModel } from "../../sandbox/services/rds-model.js";
import {
  estateWith,
  OPERATOR,
  SINGAPORE,
  SINGAPORE_CLUSTER,
  TOKYO,
  TOKYO_CLUSTER,
} from "../support/sandbox-fixtures.js";

const DELIVERY_MS = 300_000;

function trail() {
  const sandbox = estateWith((estate) => [
    new RdsModel(estate, {
      globalClusters: [
        {
          identifier: "shop-global",
          members: [
            { arn: TOKYO_CLUSTER, region: TOKYO, isWriter: true },
            { arn: SINGAPORE_CLUSTER, region: SINGAPORE, isWriter: false },
          ],
        },
      ],
    }),
    new CloudTrailModel(estate, { deliveryDelayMs: DELIVERY_MS }),
  ]);
  const switchover = () =>
    sandbox
      .clients(SINGAPORE)
      .rds.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: "shop-global",
          TargetDbClusterIdentifier: SINGAPORE_CLUSTER,
        }),
      );
  return { ...sandbox, switchover, cloudtrail: sandbox.clients(SINGAPORE).cloudtrail };
}

describe("sandbox CloudTrail, through the real CloudTrail client", () => {
  it("records a mutating call with its request ID and caller, visible only after the delivery delay", async () => {
    const { estate, switchover, cloudtrail } = trail();

    const { $metadata } = await switchover();
    const early = await cloudtrail.send(new LookupEventsCommand({}));
    estate.clock.advance(DELIVERY_MS);
    const late = await cloudtrail.send(new LookupEventsCommand({}));

    expect(early.Events).toEqual([]);
    expect(late.Events).toHaveLength(1);
    const event = late.Events?.[0];
    expect(event).toMatchObject({
      EventName: "SwitchoverGlobalCluster",
      EventSource: "rds.amazonaws.com",
      Username: "kirikae-test",
    });
    const record = JSON.parse(event?.CloudTrailEvent ?? "{}");
    expect(record.requestID).toBe($metadata.requestId);
    expect(record.userIdentity).toMatchObject({ type: "AssumedRole", arn: OPERATOR });
  });

  it("records refused calls with their error code", async () => {
    const { estate, switchover, cloudtrail } = trail();
    await switchover();

    await expect(switchover()).rejects.toMatchObject({ name: "InvalidGlobalClusterStateFault" });
    estate.clock.advance(DELIVERY_MS);
    const { Events } = await cloudtrail.send(new LookupEventsCommand({}));

    expect(Events?.map((event) => JSON.parse(event.CloudTrailEvent ?? "{}").errorCode)).toEqual([
      "InvalidGlobalClusterStateFault",
      undefined,
    ]);
  });

  it("pages 120 events 50 at a time, each exactly once, pacing itself under the 2 calls/s limit", async () => {
    const { estate, cloudtrail } = trail();
    const failing = estateFailingSwitchovers(estate);
    for (let index = 0; index < 120; index++) await failing();
    estate.clock.advance(DELIVERY_MS);
    const seen: string[] = [];

    let input: LookupEventsCommandInput = {
      LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "SwitchoverGlobalCluster" }],
    };
    for (;;) {
      const page = await cloudtrail.send(new LookupEventsCommand(input));
      seen.push(...(page.Events ?? []).map((event) => event.EventId ?? ""));
      if (!page.NextToken) break;
      input = { ...input, NextToken: page.NextToken };
      estate.clock.advance(500);
    }

    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
  });

  it("allows one lookup attribute per call, as AWS does", async () => {
    const { cloudtrail } = trail();

    const attempt = cloudtrail.send(
      new LookupEventsCommand({
        LookupAttributes: [
          { AttributeKey: "EventName", AttributeValue: "SwitchoverGlobalCluster" },
          { AttributeKey: "Username", AttributeValue: "kirikae-test" },
        ],
      }),
    );

    await expect(attempt).rejects.toBeInstanceOf(InvalidLookupAttributesException);
  });

  it("throttles a third lookup in the same second with an HTTP 400 ThrottlingException", async () => {
    const { estate, cloudtrail } = trail();
    const noRetries = estateClientWithoutRetries(estate);

    await noRetries();
    await noRetries();
    await expect(noRetries()).rejects.toMatchObject({
      name: "ThrottlingException",
      $metadata: { httpStatusCode: 400 },
    });
    estate.clock.advance(1_000);
    await expect(cloudtrail.send(new LookupEventsCommand({}))).resolves.toBeDefined();
  });

  it("keeps events in the region of the call", async () => {
    const { estate, switchover, clients } = trail();
    await switchover();
    estate.clock.advance(DELIVERY_MS);

    const tokyo = await clients(TOKYO).cloudtrail.send(new LookupEventsCommand({}));

    expect(tokyo.Events).toEqual([]);
  });
});

/** Switchovers to a cluster that is already the writer: each is refused and recorded. */
function estateFailingSwitchovers(estate: ReturnType<typeof trail>["estate"]) {
  return async () => {
    await estate
      .invoke(
        "rds",
        SINGAPORE,
        "SwitchoverGlobalCluster",
        { GlobalClusterIdentifier: "shop-global", TargetDbClusterIdentifier: TOKYO_CLUSTER },
        OPERATOR,
      )
      .catch(() => undefined);
  };
}

/** A LookupEvents call without the SDK's retries, to see the throttle itself. */
function estateClientWithoutRetries(estate: ReturnType<typeof trail>["estate"]) {
  return () => estate.invoke("cloudtrail", SINGAPORE, "LookupEvents", {}, OPERATOR);
}
