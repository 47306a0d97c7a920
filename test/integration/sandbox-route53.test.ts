import {
  ChangeResourceRecordSetsCommand,
  type ChangeResourceRecordSetsCommandInput,
  GetChangeCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  InvalidChangeBatch,
  InvalidInput,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandInput,
  NoSuchChange,
  NoSuchHealthCheck,
  NoSuchHostedZone,
  type ResourceRecordSet,
  TestDNSAnswerCommand,
} from "@aws-sdk/client-route-53";
import { describe, expect, it } from "vitest";
import { SandboxEstate } from "../../sandbox/estate.js";
import { sandboxClients } from "../../sandbox/sandbox-clients.js";
import type { SandboxCall } from "../../sandbox/service-model.js";
import { Route53Model } from "../../sandbox/services/route53-model.js";

const TOKYO = "ap-northeast-1";
const SINGAPORE = "ap-southeast-1";
const PRINCIPAL = "arn:aws:iam::111122223333:role/kirikae-test";
const ZONE = "Z0123456789EXAMPLE";
const TOKYO_CHECK = "11111111-1111-4111-8111-111111111111";
const SINGAPORE_CHECK = "22222222-2222-4222-8222-222222222222";

function failover(
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

function weighted(setIdentifier: string, value: string, weight: number, check?: string): ResourceRecordSet {
  return {
    Name: "app.example.com.",
    Type: "CNAME",
    SetIdentifier: setIdentifier,
    Weight: weight,
    TTL: 60,
    ...(check ? { HealthCheckId: check } : {}),
    ResourceRecords: [{ Value: value }],
  };
}

const tokyoPrimary = failover("tokyo", "tokyo.elb.example.com", "PRIMARY", TOKYO_CHECK);
const singaporeSecondary = failover("singapore", "singapore.elb.example.com", "SECONDARY", SINGAPORE_CHECK);

function zone(records: ResourceRecordSet[]) {
  const estate = new SandboxEstate();
  const model = new Route53Model(estate, {
    hostedZones: [{ id: ZONE, name: "example.com", records }],
    healthChecks: [
      { id: TOKYO_CHECK, region: TOKYO, fqdn: "tokyo.elb.example.com" },
      { id: SINGAPORE_CHECK, region: SINGAPORE },
    ],
  });
  estate.register(model);
  // Route 53 is global: the clients of any region call its control plane in us-east-1.
  const { route53 } = sandboxClients(estate, TOKYO, PRINCIPAL);
  const change = (changes: NonNullable<ChangeResourceRecordSetsCommandInput["ChangeBatch"]>["Changes"]) =>
    route53.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: ZONE, ChangeBatch: { Changes: changes } }),
    );
  const answer = async (name = "app.example.com", type: "CNAME" | "A" = "CNAME") =>
    route53.send(new TestDNSAnswerCommand({ HostedZoneId: ZONE, RecordName: name, RecordType: type }));
  return { estate, model, route53, change, answer };
}

describe("sandbox Route 53, through the real Route 53 client", () => {
  describe("ChangeResourceRecordSets", () => {
    it("rejects a batch with a DELETE that does not match, and leaves every record unchanged (atomic)", async () => {
      const { model, change, answer } = zone([tokyoPrimary, singaporeSecondary]);
      const before = model.records(ZONE);

      const attempt = change([
        { Action: "UPSERT", ResourceRecordSet: { ...singaporeSecondary, Failover: "PRIMARY" } },
        { Action: "UPSERT", ResourceRecordSet: { ...tokyoPrimary, Failover: "SECONDARY" } },
        { Action: "DELETE", ResourceRecordSet: { ...singaporeSecondary, TTL: 300 } },
      ]);

      await expect(attempt).rejects.toBeInstanceOf(InvalidChangeBatch);
      await expect(attempt).rejects.toMatchObject({
        name: "InvalidChangeBatch",
        $metadata: { httpStatusCode: 400 },
        messages: [
          "Tried to delete resource record set [name='app.example.com.', type='CNAME', set-identifier='singapore'] but the values provided do not match the current values",
        ],
      });
      expect(model.records(ZONE)).toEqual(before);
      expect((await answer()).RecordData).toEqual(["tokyo.elb.example.com"]);
    });

    it("reports every failing change of a batch, in AWS's words", async () => {
      const { change } = zone([tokyoPrimary, singaporeSecondary]);

      const attempt = change([
        { Action: "CREATE", ResourceRecordSet: tokyoPrimary },
        {
          Action: "DELETE",
          ResourceRecordSet: {
            Name: "gone.example.com",
            Type: "A",
            TTL: 60,
            ResourceRecords: [{ Value: "192.0.2.1" }],
          },
        },
        {
          Action: "UPSERT",
          ResourceRecordSet: {
            Name: "www.other.org",
            Type: "A",
            TTL: 60,
            ResourceRecords: [{ Value: "192.0.2.2" }],
          },
        },
      ]);

      await expect(attempt).rejects.toMatchObject({
        messages: [
          "Tried to create resource record set [name='app.example.com.', type='CNAME', set-identifier='tokyo'] but it already exists",
          "Tried to delete resource record set [name='gone.example.com.', type='A'] but it was not found",
          "RRSet with DNS name www.other.org. is not permitted in zone example.com.",
        ],
      });
    });

    it("applies a valid batch at once; GetChange is PENDING until propagation, then INSYNC", async () => {
      const { estate, route53, answer } = zone([tokyoPrimary, singaporeSecondary]);

      const { ChangeInfo } = await route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: `/hostedzone/${ZONE}`,
          ChangeBatch: {
            Comment: "kirikae failover",
            Changes: [
              { Action: "UPSERT", ResourceRecordSet: { ...tokyoPrimary, Failover: "SECONDARY" } },
              { Action: "UPSERT", ResourceRecordSet: { ...singaporeSecondary, Failover: "PRIMARY" } },
            ],
          },
        }),
      );
      const answered = await answer();
      const pending = await route53.send(new GetChangeCommand({ Id: ChangeInfo?.Id }));
      // Route 53: "generally within 60 seconds" (sandbox/latencies.ts).
      estate.clock.advance(60_000);
      const synced = await route53.send(new GetChangeCommand({ Id: ChangeInfo?.Id }));

      expect(ChangeInfo).toMatchObject({ Status: "PENDING", Comment: "kirikae failover" });
      expect(ChangeInfo?.Id).toMatch(/^\/change\/C[0-9A-Z]+$/);
      expect(ChangeInfo?.SubmittedAt).toBeInstanceOf(Date);
      expect(answered.RecordData).toEqual(["singapore.elb.example.com"]);
      expect(pending.ChangeInfo?.Status).toBe("PENDING");
      expect(synced.ChangeInfo).toMatchObject({ Status: "INSYNC", SubmittedAt: ChangeInfo?.SubmittedAt });
    });

    it("applies changes in order: DELETE then CREATE of one record set is valid in a single batch", async () => {
      const { model, change } = zone([tokyoPrimary, singaporeSecondary]);

      await change([
        { Action: "DELETE", ResourceRecordSet: tokyoPrimary },
        { Action: "CREATE", ResourceRecordSet: { ...tokyoPrimary, TTL: 30 } },
      ]);

      expect(model.records(ZONE).find((record) => record.SetIdentifier === "tokyo")?.TTL).toBe(30);
    });

    it("refuses a CNAME beside records of another type unless they are deleted first", async () => {
      const a: ResourceRecordSet = {
        Name: "www.example.com.",
        Type: "A",
        TTL: 60,
        ResourceRecords: [{ Value: "192.0.2.10" }],
      };
      const cname: ResourceRecordSet = {
        Name: "www.example.com.",
        Type: "CNAME",
        TTL: 60,
        ResourceRecords: [{ Value: "app.example.com" }],
      };
      const { model, change } = zone([a]);

      const createFirst = change([
        { Action: "CREATE", ResourceRecordSet: cname },
        { Action: "DELETE", ResourceRecordSet: a },
      ]);
      await expect(createFirst).rejects.toMatchObject({
        messages: [
          "RRSet of type CNAME with DNS name www.example.com. is not permitted as it conflicts with other records with the same DNS name in zone example.com.",
        ],
      });
      await change([
        { Action: "DELETE", ResourceRecordSet: a },
        { Action: "CREATE", ResourceRecordSet: cname },
      ]);

      expect(model.records(ZONE)).toEqual([cname]);
    });

    it("allows at most one PRIMARY and one SECONDARY per name and type after the batch", async () => {
      const { model, change } = zone([tokyoPrimary, singaporeSecondary]);
      const before = model.records(ZONE);

      await expect(
        change([{ Action: "UPSERT", ResourceRecordSet: { ...singaporeSecondary, Failover: "PRIMARY" } }]),
      ).rejects.toMatchObject({
        name: "InvalidChangeBatch",
        messages: [expect.stringContaining("another PRIMARY failover set exists")],
      });
      expect(model.records(ZONE)).toEqual(before);
    });

    it("refuses to mix routing policies for one name and type", async () => {
      const { change } = zone([tokyoPrimary, singaporeSecondary]);

      await expect(
        change([{ Action: "CREATE", ResourceRecordSet: weighted("osaka", "osaka.elb.example.com", 10) }]),
      ).rejects.toMatchObject({
        messages: [
          "RRSet with DNS name app.example.com., type CNAME, SetIdentifier osaka cannot be created as a non-weighted set exists with the same name and type.",
        ],
      });
    });

    it("rejects malformed changes with InvalidInput before looking at the zone", async () => {
      const { change } = zone([tokyoPrimary, singaporeSecondary]);
      const { SetIdentifier: _dropped, ...withoutIdentifier } = tokyoPrimary;

      await expect(
        change([{ Action: "UPSERT", ResourceRecordSet: withoutIdentifier }]),
      ).rejects.toMatchObject({
        name: "InvalidInput",
        message:
          "Invalid request: Missing field 'SetIdentifier' in Change with [Action=UPSERT, Name=app.example.com., Type=CNAME, SetIdentifier=null]",
      });
      await expect(
        change([{ Action: "UPSERT", ResourceRecordSet: weighted("tokyo", "tokyo.elb.example.com", 256) }]),
      ).rejects.toBeInstanceOf(InvalidInput);
      await expect(change([])).rejects.toBeInstanceOf(InvalidInput);
    });

    it("names unknown zones and health checks with their own exceptions", async () => {
      const { route53, change } = zone([tokyoPrimary, singaporeSecondary]);

      await expect(
        route53.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: "ZNOSUCHZONE",
            ChangeBatch: { Changes: [{ Action: "UPSERT", ResourceRecordSet: tokyoPrimary }] },
          }),
        ),
      ).rejects.toBeInstanceOf(NoSuchHostedZone);
      await expect(
        change([
          { Action: "UPSERT", ResourceRecordSet: { ...tokyoPrimary, HealthCheckId: "no-such-check" } },
        ]),
      ).rejects.toBeInstanceOf(NoSuchHealthCheck);
      await expect(
        route53.send(new GetChangeCommand({ Id: "/change/CNOSUCHCHANGE" })),
      ).rejects.toBeInstanceOf(NoSuchChange);
    });
  });

  describe("ListResourceRecordSets", () => {
    it("lists in Route 53's order and pages with NextRecordName/Type/Identifier, every record once", async () => {
      const hosts = ["www", "api", "a-b", "a"].map(
        (label, index): ResourceRecordSet => ({
          Name: `${label}.example.com.`,
          Type: "A",
          TTL: 60,
          ResourceRecords: [{ Value: `192.0.2.${index}` }],
        }),
      );
      const apex: ResourceRecordSet = {
        Name: "example.com.",
        Type: "TXT",
        TTL: 300,
        ResourceRecords: [{ Value: '"v=spf1 -all"' }],
      };
      const { route53 } = zone([...hosts, singaporeSecondary, apex, tokyoPrimary]);
      const seen: string[] = [];
      const pages: number[] = [];

      let next: Partial<ListResourceRecordSetsCommandInput> = {};
      for (;;) {
        const page = await route53.send(
          new ListResourceRecordSetsCommand({ HostedZoneId: `/hostedzone/${ZONE}`, MaxItems: 2, ...next }),
        );
        pages.push(page.ResourceRecordSets?.length ?? 0);
        seen.push(
          ...(page.ResourceRecordSets ?? []).map((record) =>
            [record.Name, record.Type, record.SetIdentifier].filter(Boolean).join(" "),
          ),
        );
        if (!page.IsTruncated) break;
        next = {
          ...(page.NextRecordName ? { StartRecordName: page.NextRecordName } : {}),
          ...(page.NextRecordType ? { StartRecordType: page.NextRecordType } : {}),
          ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
        };
      }

      // Labels reversed with the trailing dot kept: "com.example.a-b." sorts before "com.example.a.".
      expect(seen).toEqual([
        "example.com. TXT",
        "a-b.example.com. A",
        "a.example.com. A",
        "api.example.com. A",
        "app.example.com. CNAME singapore",
        "app.example.com. CNAME tokyo",
        "www.example.com. A",
      ]);
      expect(pages).toEqual([2, 2, 2, 1]);
    });

    it("starts at a given name and type, as the DNS adapter reads one record's sets", async () => {
      const { route53 } = zone([
        tokyoPrimary,
        singaporeSecondary,
        { Name: "zeta.example.com.", Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.9" }] },
      ]);

      const page = await route53.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: ZONE,
          StartRecordName: "APP.example.com",
          StartRecordType: "CNAME",
        }),
      );

      expect(page.ResourceRecordSets?.map((record) => record.SetIdentifier ?? record.Name)).toEqual([
        "singapore",
        "tokyo",
        "zeta.example.com.",
      ]);
      expect(page).toMatchObject({ IsTruncated: false, MaxItems: 300 });
    });
  });

  describe("health checks and answers", () => {
    it("answers with the SECONDARY once the PRIMARY's region is down, and the PRIMARY when both are", async () => {
      const { estate, answer } = zone([tokyoPrimary, singaporeSecondary]);

      const healthy = await answer();
      estate.addFault({ kind: "region-down", region: TOKYO });
      const tokyoDown = await answer();
      estate.addFault({ kind: "region-down", region: SINGAPORE });
      const bothDown = await answer();

      expect(healthy).toMatchObject({
        RecordData: ["tokyo.elb.example.com"],
        RecordType: "CNAME",
        ResponseCode: "NOERROR",
        Protocol: "UDP",
      });
      expect(tokyoDown.RecordData).toEqual(["singapore.elb.example.com"]);
      expect(bothDown.RecordData).toEqual(["tokyo.elb.example.com"]);
    });

    it("answers weighted records with the heaviest healthy one, zero weights only when nothing else is healthy", async () => {
      const { model, answer } = zone([
        weighted("tokyo", "tokyo.example.com", 100, TOKYO_CHECK),
        weighted("singapore", "singapore.example.com", 0, SINGAPORE_CHECK),
      ]);

      const normal = await answer();
      model.setEndpointHealth(TOKYO_CHECK, false);
      const tokyoFailing = await answer();
      model.setEndpointHealth(SINGAPORE_CHECK, false);
      const bothFailing = await answer();
      model.setEndpointHealth(TOKYO_CHECK, true);

      expect(normal.RecordData).toEqual(["tokyo.example.com"]);
      expect(tokyoFailing.RecordData).toEqual(["singapore.example.com"]);
      expect(bothFailing.RecordData).toEqual(["tokyo.example.com"]);
      expect(model.answer(ZONE, "app.example.com.", "CNAME")).toEqual(["tokyo.example.com"]);
    });

    it("treats all-zero weights as equal, choosing by set identifier", async () => {
      const { answer } = zone([
        weighted("tokyo", "tokyo.example.com", 0),
        weighted("osaka", "osaka.example.com", 0),
      ]);

      expect((await answer()).RecordData).toEqual(["osaka.example.com"]);
    });

    it("answers NXDOMAIN for a name with no records, NOERROR without data for another type", async () => {
      const { answer } = zone([tokyoPrimary, singaporeSecondary]);

      expect(await answer("nothing.example.com", "A")).toMatchObject({
        ResponseCode: "NXDOMAIN",
        RecordData: [],
      });
      expect(await answer("app.example.com", "A")).toMatchObject({ ResponseCode: "NOERROR", RecordData: [] });
    });

    it("reports health from every checker region: healthy, region unreachable, or application failing", async () => {
      const { estate, model, route53 } = zone([tokyoPrimary, singaporeSecondary]);
      const statuses = async (id: string) => {
        const output = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
        return new Set(
          output.HealthCheckObservations?.map((observation) => observation.StatusReport?.Status),
        );
      };

      const up = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: TOKYO_CHECK }));
      estate.addFault({ kind: "region-down", region: TOKYO });
      const tokyoDown = await statuses(TOKYO_CHECK);
      model.setEndpointHealth(SINGAPORE_CHECK, false);
      const singaporeFailing = await statuses(SINGAPORE_CHECK);

      expect(up.HealthCheckObservations).toHaveLength(8);
      expect(up.HealthCheckObservations?.[0]).toMatchObject({
        Region: "us-east-1",
        StatusReport: { Status: "Success: HTTP Status Code 200, OK", CheckedTime: expect.any(Date) },
      });
      expect([...tokyoDown]).toEqual([expect.stringMatching(/^Failure: Connection timed out/)]);
      expect([...singaporeFailing]).toEqual(["Failure: HTTP Status Code 503, Service Unavailable"]);
      expect([model.isHealthy(TOKYO_CHECK), model.isHealthy(SINGAPORE_CHECK)]).toEqual([false, false]);
      expect(model.healthCheckRegion(TOKYO_CHECK)).toBe(TOKYO);
    });

    it("describes a health check and refuses unknown ones with NoSuchHealthCheck", async () => {
      const { route53 } = zone([]);

      const { HealthCheck } = await route53.send(new GetHealthCheckCommand({ HealthCheckId: TOKYO_CHECK }));

      expect(HealthCheck).toMatchObject({
        Id: TOKYO_CHECK,
        HealthCheckVersion: 1,
        HealthCheckConfig: { Type: "HTTPS", FullyQualifiedDomainName: "tokyo.elb.example.com" },
      });
      await expect(
        route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: "no-such-check" })),
      ).rejects.toBeInstanceOf(NoSuchHealthCheck);
    });
  });

  it("records changes as mutating calls against the hosted zone, and names operations it does not model", async () => {
    const { estate, model, change, route53 } = zone([tokyoPrimary, singaporeSecondary]);

    const { ChangeInfo } = await change([
      { Action: "UPSERT", ResourceRecordSet: { ...tokyoPrimary, TTL: 30 } },
    ]);
    await route53.send(new GetChangeCommand({ Id: ChangeInfo?.Id }));

    expect(estate.calls.map((call) => [call.operation, call.region, call.mutating])).toEqual([
      ["ChangeResourceRecordSets", "us-east-1", true],
      ["GetChange", "us-east-1", false],
    ]);
    expect(
      model.resourcesOf(sandboxCall("ChangeResourceRecordSets", { HostedZoneId: `/hostedzone/${ZONE}` })),
    ).toEqual([{ ResourceType: "AWS::Route53::HostedZone", ResourceName: ZONE }]);
    expect(() => model.handle(sandboxCall("DeleteHostedZone", {}))).toThrow(
      "the sandbox does not model route53:DeleteHostedZone",
    );
  });
});

function sandboxCall(operation: string, input: Record<string, unknown>): SandboxCall {
  return {
    service: "route53",
    region: "us-east-1",
    operation,
    input,
    requestId: "sandbox-request",
    principal: PRINCIPAL,
    at: new Date(),
  };
}

describe("sandbox Route 53: A records and alias records", () => {
  const aliasTo = (setIdentifier: string, dnsName: string, role: "PRIMARY" | "SECONDARY", check: string) =>
    ({
      Name: "app.example.com.",
      Type: "A",
      SetIdentifier: setIdentifier,
      Failover: role,
      HealthCheckId: check,
      AliasTarget: { HostedZoneId: "Z14GRHDCWA56QT", DNSName: dnsName, EvaluateTargetHealth: true },
    }) satisfies ResourceRecordSet;
  const tokyoAlb = "shop-tokyo-alb-1.ap-northeast-1.elb.amazonaws.com";
  const singaporeAlb = "shop-singapore-alb-2.ap-southeast-1.elb.amazonaws.com";

  it("rejects an A record whose value is a host name, and an AAAA whose value is not IPv6, as InvalidChangeBatch", async () => {
    const { model, change } = zone([]);

    const a = change([
      {
        Action: "CREATE",
        ResourceRecordSet: {
          Name: "app.example.com.",
          Type: "A",
          TTL: 60,
          ResourceRecords: [{ Value: tokyoAlb }],
        },
      },
    ]);
    const aaaa = change([
      {
        Action: "CREATE",
        ResourceRecordSet: {
          Name: "app.example.com.",
          Type: "AAAA",
          TTL: 60,
          ResourceRecords: [{ Value: "192.0.2.1" }],
        },
      },
    ]);

    await expect(a).rejects.toBeInstanceOf(InvalidChangeBatch);
    await expect(a).rejects.toMatchObject({
      messages: [
        `Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '${tokyoAlb}''`,
      ],
    });
    await expect(aaaa).rejects.toThrow(/ARRDATAIllegalIPv6Address/);
    expect(model.records(ZONE)).toEqual([]);
  });

  it("accepts A records with IP addresses and alias records to a load balancer", async () => {
    const { model, change, answer } = zone([]);

    await change([
      {
        Action: "CREATE",
        ResourceRecordSet: {
          Name: "ip.example.com.",
          Type: "A",
          TTL: 60,
          ResourceRecords: [{ Value: "192.0.2.1" }],
        },
      },
      { Action: "CREATE", ResourceRecordSet: aliasTo("tokyo", tokyoAlb, "PRIMARY", TOKYO_CHECK) },
    ]);

    expect((await answer("ip.example.com", "A")).RecordData).toEqual(["192.0.2.1"]);
    expect((await answer("app.example.com", "A")).RecordData).toEqual([`${tokyoAlb}.`]);
    expect(model.records(ZONE).find((record) => record.Name === "app.example.com.")?.AliasTarget).toEqual({
      HostedZoneId: "Z14GRHDCWA56QT",
      DNSName: `${tokyoAlb}.`,
      EvaluateTargetHealth: true,
    });
  });

  it("rejects an alias without EvaluateTargetHealth, which AWS requires", async () => {
    const { change } = zone([]);
    const record = aliasTo("tokyo", tokyoAlb, "PRIMARY", TOKYO_CHECK);

    const attempt = change([
      {
        Action: "CREATE",
        ResourceRecordSet: { ...record, AliasTarget: { HostedZoneId: "Z14GRHDCWA56QT", DNSName: tokyoAlb } },
      } as never,
    ]);

    await expect(attempt).rejects.toBeInstanceOf(InvalidInput);
    await expect(attempt).rejects.toThrow(/aliasTarget.evaluateTargetHealth/);
  });

  it("fails over from an alias whose load balancer is unhealthy when it evaluates target health", async () => {
    const { model, answer } = zone([
      aliasTo("tokyo", tokyoAlb, "PRIMARY", TOKYO_CHECK),
      aliasTo("singapore", singaporeAlb, "SECONDARY", SINGAPORE_CHECK),
    ]);

    const before = (await answer("app.example.com", "A")).RecordData;
    model.setAliasTargetHealth(tokyoAlb, false);
    const after = (await answer("app.example.com", "A")).RecordData;

    expect(before).toEqual([`${tokyoAlb}.`]);
    expect(after).toEqual([`${singaporeAlb}.`]);
  });
});
