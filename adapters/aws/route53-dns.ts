import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  type HealthCheckConfig,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
} from "@aws-sdk/client-route-53";
import type { DnsPort, RecordChange, RecordKey, RecordSet } from "../../core/ports/dns.js";
import { callAws, requestIdOf } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/** Route 53 is global; its API is served from us-east-1. */
const ROUTE53_REGION = "us-east-1";

export class Route53Dns implements DnsPort {
  constructor(private readonly clients: ClientProvider) {}

  private get route53() {
    return this.clients.forRegion(ROUTE53_REGION).get(Route53Client);
  }

  async listRecords(hostedZoneId: string, name: string, type: string): Promise<RecordSet[]> {
    const wanted = withDot(name);
    const records: RecordSet[] = [];
    let start: { name?: string; type?: string; identifier?: string } = { name: wanted, type };
    for (;;) {
      const output = await callAws({ action: "route53:ListResourceRecordSets", resource: hostedZoneId }, () =>
        this.route53.send(
          new ListResourceRecordSetsCommand({
            HostedZoneId: hostedZoneId,
            ...(start.name ? { StartRecordName: start.name } : {}),
            ...(start.type ? { StartRecordType: start.type as never } : {}),
            ...(start.identifier ? { StartRecordIdentifier: start.identifier } : {}),
          }),
        ),
      );
      const sets = output.ResourceRecordSets ?? [];
      for (const set of sets) {
        if (withDot(set.Name ?? "") === wanted && set.Type === type) records.push(fromAws(set));
      }
      const pastName = sets.some((set) => withDot(set.Name ?? "") !== wanted || set.Type !== type);
      if (!output.IsTruncated || pastName) return records;
      start = {
        ...(output.NextRecordName ? { name: output.NextRecordName } : {}),
        ...(output.NextRecordType ? { type: output.NextRecordType } : {}),
        ...(output.NextRecordIdentifier ? { identifier: output.NextRecordIdentifier } : {}),
      };
    }
  }

  /**
   * Walks the zone in ListResourceRecordSets' own order (names with their labels reversed, in ASCII order,
   * then type: Route 53 API Reference, ListResourceRecordSets, "Sort order",
   * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListResourceRecordSets.html): a page of
   * up to 300 record sets covers every wanted key it passes, the next page is read only when the next
   * wanted key is where it starts, and otherwise the listing jumps to that key. Records that sit together
   * in the zone cost one call per 300 sets instead of one call per name. A key no page showed is read on
   * its own, so a name Route 53 orders otherwise than expected is still found, at the price of a call.
   */
  async listRecordsOf(hostedZoneId: string, keys: readonly RecordKey[]): Promise<RecordSet[]> {
    const byKey = new Map<string, RecordKey>();
    for (const key of keys) byKey.set(keyOf(key.name, key.type), { name: withDot(key.name), type: key.type });
    const wanted = [...byKey.values()].sort(compareKeys);
    const found: RecordSet[] = [];
    let index = 0;
    let cursor: { name: string; type: string; identifier?: string } | undefined;
    while (index < wanted.length) {
      const first = wanted[index] as RecordKey;
      const start = cursor ?? { name: first.name, type: first.type };
      const output = await this.page(hostedZoneId, start);
      for (const set of output.ResourceRecordSets ?? []) {
        if (byKey.has(keyOf(set.Name ?? "", set.Type ?? ""))) found.push(fromAws(set));
      }
      if (!output.IsTruncated || !output.NextRecordName || !output.NextRecordType) break;
      const next = { name: withDot(output.NextRecordName), type: output.NextRecordType };
      // Every wanted key before the next page's first set has been read, or is not in the zone.
      while (index < wanted.length && compareKeys(wanted[index] as RecordKey, next) < 0) index += 1;
      const following = wanted[index];
      cursor =
        following && compareKeys(following, next) === 0
          ? {
              ...next,
              ...(output.NextRecordIdentifier ? { identifier: output.NextRecordIdentifier } : {}),
            }
          : undefined;
    }
    const seen = new Set(found.map((set) => keyOf(set.name, set.type)));
    for (const key of wanted) {
      if (!seen.has(keyOf(key.name, key.type)))
        found.push(...(await this.listRecords(hostedZoneId, key.name, key.type)));
    }
    return found;
  }

  private page(hostedZoneId: string, start: { name: string; type: string; identifier?: string }) {
    return callAws({ action: "route53:ListResourceRecordSets", resource: hostedZoneId }, () =>
      this.route53.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: hostedZoneId,
          StartRecordName: start.name,
          StartRecordType: start.type as never,
          ...(start.identifier ? { StartRecordIdentifier: start.identifier } : {}),
        }),
      ),
    );
  }

  async changeRecords(hostedZoneId: string, changes: RecordChange[], comment: string) {
    const output = await callAws({ action: "route53:ChangeResourceRecordSets", resource: hostedZoneId }, () =>
      this.route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: hostedZoneId,
          ChangeBatch: {
            Comment: comment.slice(0, 256),
            Changes: changes.map((change) => ({
              Action: change.action,
              ResourceRecordSet: toAws(change.record),
            })),
          },
        }),
      ),
    );
    return { requestId: requestIdOf(output), changeId: output.ChangeInfo?.Id ?? "" };
  }

  async changeInSync(changeId: string): Promise<boolean> {
    const output = await callAws({ action: "route53:GetChange", resource: changeId }, () =>
      this.route53.send(new GetChangeCommand({ Id: changeId })),
    );
    return output.ChangeInfo?.Status === "INSYNC";
  }

  async healthCheckFollows(healthCheckId: string): Promise<string> {
    const output = await callAws({ action: "route53:GetHealthCheck", resource: healthCheckId }, () =>
      this.route53.send(new GetHealthCheckCommand({ HealthCheckId: healthCheckId })),
    );
    return follows(output.HealthCheck?.HealthCheckConfig);
  }

  async healthCheckHealthy(healthCheckId: string): Promise<boolean> {
    const output = await callAws({ action: "route53:GetHealthCheckStatus", resource: healthCheckId }, () =>
      this.route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId })),
    );
    const observations = output.HealthCheckObservations ?? [];
    // Route 53 considers an endpoint healthy when most of its checkers do; follow the same rule.
    const healthy = observations.filter((observation) =>
      observation.StatusReport?.Status?.startsWith("Success"),
    );
    return observations.length > 0 && healthy.length * 2 > observations.length;
  }
}

/** What a health check follows, worded as `describeGateHealthCheck` words a gate's. */
function follows(config: HealthCheckConfig | undefined): string {
  switch (config?.Type) {
    case "RECOVERY_CONTROL":
      return `routing control ${config.RoutingControlArn ?? "?"}`;
    case "CLOUDWATCH_METRIC":
      return `alarm ${config.AlarmIdentifier?.Name ?? "?"} in ${config.AlarmIdentifier?.Region ?? "?"}`;
    case "HTTPS_STR_MATCH":
    case "HTTP_STR_MATCH":
      return `object ${config.Type.startsWith("HTTPS") ? "https" : "http"}://${config.FullyQualifiedDomainName ?? config.IPAddress ?? "?"}${config.ResourcePath ?? "/"} containing "${config.SearchString ?? ""}"`;
    default:
      return `endpoint ${config?.FullyQualifiedDomainName ?? config?.IPAddress ?? "?"} (${config?.Type ?? "unknown type"})`;
  }
}

function keyOf(name: string, type: string): string {
  return `${withDot(name)} ${type}`;
}

/** ListResourceRecordSets' order: the name with its labels reversed (trailing dot kept), then the type. */
function compareKeys(a: RecordKey, b: RecordKey): number {
  return compareAscii(listOrderName(a.name), listOrderName(b.name)) || compareAscii(a.type, b.type);
}

function listOrderName(name: string): string {
  return `${withDot(name).replace(/\.$/, "").split(".").reverse().join(".")}.`;
}

function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function withDot(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower : `${lower}.`;
}

/** An alias keeps its AliasTarget; its DNS name stands as its value, so comparisons read the same. */
function fromAws(set: ResourceRecordSet): RecordSet {
  const alias = set.AliasTarget;
  return {
    name: set.Name ?? "",
    type: set.Type ?? "",
    values: alias ? [alias.DNSName ?? ""] : (set.ResourceRecords ?? []).map((record) => record.Value ?? ""),
    ...(alias === undefined
      ? {}
      : {
          alias: {
            hostedZoneId: alias.HostedZoneId ?? "",
            dnsName: alias.DNSName ?? "",
            evaluateTargetHealth: alias.EvaluateTargetHealth === true,
          },
        }),
    ...(set.SetIdentifier === undefined ? {} : { setIdentifier: set.SetIdentifier }),
    ...(set.TTL === undefined ? {} : { ttl: set.TTL }),
    ...(set.Failover === undefined ? {} : { failover: set.Failover }),
    ...(set.Weight === undefined ? {} : { weight: set.Weight }),
    ...(set.HealthCheckId === undefined ? {} : { healthCheckId: set.HealthCheckId }),
  };
}

/** Route 53 takes exactly one of AliasTarget or TTL with ResourceRecords. */
function toAws(record: RecordSet): ResourceRecordSet {
  const { alias } = record;
  return {
    Name: withDot(record.name),
    Type: record.type as ResourceRecordSet["Type"],
    ...(alias
      ? {
          AliasTarget: {
            HostedZoneId: alias.hostedZoneId,
            DNSName: alias.dnsName,
            EvaluateTargetHealth: alias.evaluateTargetHealth,
          },
        }
      : {
          ResourceRecords: record.values.map((value) => ({ Value: value })),
          ...(record.ttl === undefined ? {} : { TTL: record.ttl }),
        }),
    ...(record.setIdentifier === undefined ? {} : { SetIdentifier: record.setIdentifier }),
    ...(record.failover === undefined ? {} : { Failover: record.failover }),
    ...(record.weight === undefined ? {} : { Weight: record.weight }),
    ...(record.healthCheckId === undefined ? {} : { HealthCheckId: record.healthCheckId }),
  };
}
