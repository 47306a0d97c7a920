import {
  type Change,
  ChangeResourceRecordSetsCommand,
  InvalidChangeBatch,
  type ResourceRecordSet,
} from "@aws-sdk/client-route-53";
import { describe, expect, it } from "vitest";
import { batchSize, CHANGE_BATCH_LIMITS, changeBatches } from "../../core/failover/switch-traffic.js";
import type { RecordChange } from "../../core/ports/dns.js";
import { SandboxEstate } from "../../sandbox/estate.js";
import { sandboxClients } from "../../sandbox/sandbox-clients.js";
import { Route53Model } from "../../sandbox/services/route53-model.js";
import { REQUEST_LIMITS, requestLimitProblem } from "../../sandbox/services/route53-request-limits.js";

const ZONE = "Z0CATALOGFLEET0EXAMPLE";
const PRINCIPAL = "arn:aws:iam::777788889999:role/kirikae-test";

/** A weighted A record of the zone, as the SDK sends it. */
function weighted(index: number, value: string, setIdentifier: string): ResourceRecordSet {
  return {
    Name: `shard-${index}.catalog.example.com.`,
    Type: "A",
    SetIdentifier: setIdentifier,
    Weight: 100,
    TTL: 60,
    ResourceRecords: [{ Value: value }],
  };
}

/** `records` records' UPSERTs of both regions' sets: 4 ResourceRecord elements per record. */
function upserts(records: number): Change[] {
  return Array.from({ length: records }, (_, index) => [
    { Action: "UPSERT" as const, ResourceRecordSet: weighted(index, "192.0.2.1", "frankfurt") },
    { Action: "UPSERT" as const, ResourceRecordSet: weighted(index, "198.51.100.1", "ireland") },
  ]).flat();
}

function zone() {
  const estate = new SandboxEstate();
  const model = new Route53Model(estate, {
    hostedZones: [{ id: ZONE, name: "catalog.example.com", records: [] }],
    healthChecks: [],
  });
  estate.register(model);
  const { route53 } = sandboxClients(estate, "eu-west-1", PRINCIPAL);
  const change = (changes: Change[]) =>
    route53.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: ZONE, ChangeBatch: { Changes: changes } }),
    );
  return { model, change };
}

describe("Route 53's maximums on a ChangeResourceRecordSets request, in the sandbox", () => {
  it("counts an UPSERT's elements twice: 250 records of two UPSERTs are exactly 1,000, 251 too many", () => {
    expect(requestLimitProblem(upserts(250))).toBeUndefined();
    expect(requestLimitProblem(upserts(251))).toBe("Number of records limit of 1000 exceeded.");
    // CREATE and DELETE count once: 1,000 of them are allowed.
    const creates = upserts(500).map((change) => ({ ...change, Action: "CREATE" as const }));
    expect(requestLimitProblem(creates)).toBeUndefined();
  });

  it("refuses more than 32,000 characters of values, and counts an alias towards neither limit", () => {
    const long = (index: number): Change => ({
      Action: "CREATE",
      ResourceRecordSet: {
        Name: `txt-${index}.catalog.example.com.`,
        Type: "TXT",
        TTL: 60,
        ResourceRecords: [{ Value: `"${"x".repeat(998)}"` }],
      },
    });
    expect(requestLimitProblem(Array.from({ length: 32 }, (_, index) => long(index)))).toBeUndefined();
    expect(requestLimitProblem(Array.from({ length: 33 }, (_, index) => long(index)))).toBe(
      "RDATA character limit of 32000 exceeded.",
    );
    const alias: Change = {
      Action: "UPSERT",
      ResourceRecordSet: {
        Name: "www.catalog.example.com.",
        Type: "A",
        AliasTarget: {
          HostedZoneId: "Z215JYRZR1TBD5",
          DNSName: "lb.example.com",
          EvaluateTargetHealth: true,
        },
      },
    };
    expect(requestLimitProblem([...upserts(250), alias])).toBeUndefined();
  });

  it("refuses an oversize batch whole with InvalidChangeBatch, and takes the same changes split in two", async () => {
    const { model, change } = zone();

    const attempt = change(upserts(251));

    await expect(attempt).rejects.toBeInstanceOf(InvalidChangeBatch);
    await expect(attempt).rejects.toMatchObject({ messages: ["Number of records limit of 1000 exceeded."] });
    expect(model.records(ZONE)).toEqual([]);
    const all = upserts(251);
    await change(all.slice(0, 500));
    await change(all.slice(500));
    expect(model.records(ZONE)).toHaveLength(502);
  });

  it("agrees with kirikae's own limits, so every batch kirikae packs is one the sandbox accepts", () => {
    expect(REQUEST_LIMITS).toEqual(CHANGE_BATCH_LIMITS);
    // 600 weighted records, as the fleet plan's record-edit switch would move them: three batches.
    const edits = Array.from({ length: 600 }, (_, index) => ({
      changes: [
        { action: "UPSERT", record: { name: `shard-${index}`, type: "A", ttl: 60, values: ["192.0.2.1"] } },
        {
          action: "UPSERT",
          record: { name: `shard-${index}`, type: "A", ttl: 60, values: ["198.51.100.1"] },
        },
      ] satisfies RecordChange[],
    }));

    const batches = changeBatches(edits);

    expect(batches).toHaveLength(3);
    for (const batch of batches) {
      const changes = batch.flatMap((edit) => edit.changes);
      expect(batchSize(changes).resourceRecords).toBeLessThanOrEqual(REQUEST_LIMITS.resourceRecords);
      const wire = changes.map(({ action, record }) => ({
        Action: action,
        ResourceRecordSet: {
          Name: record.name,
          Type: "A" as const,
          ResourceRecords: [{ Value: record.values[0] }],
        },
      }));
      expect(requestLimitProblem(wire)).toBeUndefined();
    }
  });
});
