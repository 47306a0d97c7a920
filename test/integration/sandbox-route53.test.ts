import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  TestDNSAnswerCommand,
} from "@aws-sdk/client-route-53";
import { describe, expect, it } from "vitest";
import { Route53Model } from "../../sandbox/services/route53-model.js";
import { estateWith, SINGAPORE, TOKYO } from "../support/sandbox-fixtures.js";

const ZONE = "Z0123456789EXAMPLE";
const TOKYO_CHECK = "11111111-1111-4111-8111-111111111111";
const SINGAPORE_CHECK = "22222222-2222-4222-8222-222222222222";

function failoverRecord(
  setIdentifier: string,
  value: string,
  role: "PRIMARY" | "SECONDARY",
  healthCheck: string,
): ResourceRecordSet {
  return {
    Name: "app.example.com.",
    Type: "CNAME",
    SetIdentifier: setIdentifier,
    Failover: role,
    TTL: 60,
    HealthCheckId: healthCheck,
    ResourceRecords: [{ Value: value }],
  };
}

function zone(records: ResourceRecordSet[]) {
  let model: Route53Model | undefined;
  const sandbox = estateWith((estate) => {
    model = new Route53Model(estate, {
      hostedZones: [{ id: ZONE, name: "example.com", records }],
      healthChecks: [
        { id: TOKYO_CHECK, region: TOKYO },
        { id: SINGAPORE_CHECK, region: SINGAPORE },
      ],
    });
    return [model];
  });
  return { ...sandbox, model: model as Route53Model, route53: sandbox.clients("us-east-1").route53 };
}

const tokyoPrimary = failoverRecord("tokyo", "tokyo.elb.example.com", "PRIMARY", TOKYO_CHECK);
const singaporeSecondary = failoverRecord(
  "singapore",
  "singapore.elb.example.com",
  "SECONDARY",
  SINGAPORE_CHECK,
);

async function answer(route53: ReturnType<typeof zone>["route53"]) {
  const output = await route53.send(
    new TestDNSAnswerCommand({ HostedZoneId: ZONE, RecordName: "app.example.com", RecordType: "CNAME" }),
  );
  return output.RecordData;
}

describe("sandbox Route 53, through the real Route 53 client", () => {
  it("rejects a batch AWS would reject and leaves every record unchanged (the batch is atomic)", async () => {
    const { model, route53 } = zone([tokyoPrimary, singaporeSecondary]);
    const before = model.records(ZONE);

    const attempt = route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: ZONE,
        ChangeBatch: {
          Changes: [
            { Action: "UPSERT", ResourceRecordSet: { ...singaporeSecondary, Failover: "PRIMARY" } },
            { Action: "DELETE", ResourceRecordSet: { ...tokyoPrimary, TTL: 300 } },
          ],
        },
      }),
    );

    await expect(attempt).rejects.toBeInstanceOf(InvalidChangeBatch);
    await expect(attempt).rejects.toMatchObject({
      messages: expect.arrayContaining([expect.stringContaining("Tried to delete resource record set")]),
    });
    expect(model.records(ZONE)).toEqual(before);
  });

  it("applies a valid batch; GetChange reports PENDING, then INSYNC after propagation", async () => {
    const { estate, route53 } = zone([tokyoPrimary, singaporeSecondary]);

    const { ChangeInfo } = await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: `/hostedzone/${ZONE}`,
        ChangeBatch: {
          Changes: [
            { Action: "UPSERT", ResourceRecordSet: { ...tokyoPrimary, Failover: "SECONDARY" } },
            { Action: "UPSERT", ResourceRecordSet: { ...singaporeSecondary, Failover: "PRIMARY" } },
          ],
        },
      }),
    );
    const pending = await route53.send(new GetChangeCommand({ Id: ChangeInfo?.Id }));
    estate.clock.advance(30_000);
    const synced = await route53.send(new GetChangeCommand({ Id: ChangeInfo?.Id }));

    expect(pending.ChangeInfo?.Status).toBe("PENDING");
    expect(synced.ChangeInfo?.Status).toBe("INSYNC");
    expect(await answer(route53)).toEqual(["singapore.elb.example.com"]);
  });

  it("answers with the SECONDARY once the PRIMARY's region is down, as failover routing does", async () => {
    const { estate, route53 } = zone([tokyoPrimary, singaporeSecondary]);

    const healthy = await answer(route53);
    estate.addFault({ kind: "region-down", region: TOKYO });

    expect(healthy).toEqual(["tokyo.elb.example.com"]);
    expect(await answer(route53)).toEqual(["singapore.elb.example.com"]);
  });

  it("answers weighted records by weight, skipping unhealthy ones", async () => {
    const weighted = (
      setIdentifier: string,
      value: string,
      weight: number,
      check: string,
    ): ResourceRecordSet => ({
      Name: "app.example.com.",
      Type: "CNAME",
      SetIdentifier: setIdentifier,
      Weight: weight,
      TTL: 60,
      HealthCheckId: check,
      ResourceRecords: [{ Value: value }],
    });
    const { model, route53 } = zone([
      weighted("tokyo", "tokyo.example.com", 100, TOKYO_CHECK),
      weighted("singapore", "singapore.example.com", 0, SINGAPORE_CHECK),
    ]);

    const normal = await answer(route53);
    model.setEndpointHealth(TOKYO_CHECK, false);

    expect(normal).toEqual(["tokyo.example.com"]);
    expect(await answer(route53)).toEqual(["singapore.example.com"]);
  });

  it("pages ListResourceRecordSets with NextRecordName, returning every record once", async () => {
    const records = Array.from(
      { length: 7 },
      (_, index): ResourceRecordSet => ({
        Name: `host-${index}.example.com.`,
        Type: "A",
        TTL: 60,
        ResourceRecords: [{ Value: `192.0.2.${index}` }],
      }),
    );
    const { route53 } = zone(records);
    const seen: string[] = [];

    let start: { StartRecordName?: string; StartRecordType?: "A" } = {};
    for (;;) {
      const page = await route53.send(
        new ListResourceRecordSetsCommand({ HostedZoneId: ZONE, MaxItems: 3, ...start }),
      );
      seen.push(...(page.ResourceRecordSets ?? []).map((record) => record.Name ?? ""));
      if (!page.IsTruncated) break;
      start = { StartRecordName: page.NextRecordName ?? "", StartRecordType: "A" };
    }

    expect(seen.sort()).toEqual(records.map((record) => record.Name).sort());
  });
});
