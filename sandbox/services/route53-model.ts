import {
  InvalidChangeBatch,
  NoSuchChange,
  NoSuchHealthCheck,
  NoSuchHostedZone,
  type ResourceRecordSet,
} from "@aws-sdk/client-route-53";
import {
  errorMetadata,
  type ModelContext,
  type SandboxCall,
  type ServiceModel,
  type TrailResource,
} from "../service-model.js";

export interface Route53Seed {
  hostedZones: Array<{ id: string; name: string; records: ResourceRecordSet[] }>;
  /** Each health check probes an endpoint in one region. */
  healthChecks: Array<{ id: string; region: string; fqdn?: string }>;
}

export interface Route53Timings {
  changePropagationMs: number;
}

/** Route 53 reports changes INSYNC once all its authoritative servers have them: typically within 60 s. */
export const DEFAULT_ROUTE53_TIMINGS: Route53Timings = { changePropagationMs: 30_000 };

interface Change {
  id: string;
  submittedAt: Date;
  comment?: string;
}

const CHECKER_REGIONS = [
  "us-east-1",
  "us-west-1",
  "eu-west-1",
  "ap-southeast-1",
  "ap-northeast-1",
  "sa-east-1",
];
const PAGE_SIZE = 300;

/**
 * Route 53's control plane (record changes, change status) and data plane (health checks, answers).
 * Answers follow the records as soon as a change is accepted; propagation only shows in GetChange, which
 * is what the workflow waits on before it trusts an answer.
 */
export class Route53Model implements ServiceModel {
  readonly service = "route53" as const;
  readonly eventSource = "route53.amazonaws.com";
  private readonly zones = new Map<string, { name: string; records: ResourceRecordSet[] }>();
  private readonly healthChecks = new Map<string, { region: string; fqdn?: string; forced?: boolean }>();
  private readonly changes = new Map<string, Change>();
  private readonly timings: Route53Timings;

  constructor(
    private readonly context: ModelContext,
    seed: Route53Seed,
    timings: Partial<Route53Timings> = {},
  ) {
    this.timings = { ...DEFAULT_ROUTE53_TIMINGS, ...timings };
    for (const zone of seed.hostedZones) {
      this.zones.set(bareZoneId(zone.id), {
        name: withDot(zone.name),
        records: zone.records.map(normaliseRecord),
      });
    }
    for (const check of seed.healthChecks) {
      this.healthChecks.set(check.id, { region: check.region, ...(check.fqdn ? { fqdn: check.fqdn } : {}) });
    }
  }

  isMutating(operation: string): boolean {
    return operation === "ChangeResourceRecordSets";
  }

  resourcesOf(call: SandboxCall): TrailResource[] {
    return typeof call.input.HostedZoneId === "string"
      ? [{ ResourceType: "AWS::Route53::HostedZone", ResourceName: bareZoneId(call.input.HostedZoneId) }]
      : [];
  }

  handle(call: SandboxCall): Record<string, unknown> {
    switch (call.operation) {
      case "ListResourceRecordSets":
        return this.listResourceRecordSets(call);
      case "ChangeResourceRecordSets":
        return this.changeResourceRecordSets(call);
      case "GetChange":
        return this.getChange(call);
      case "GetHealthCheckStatus":
        return this.getHealthCheckStatus(call);
      case "TestDNSAnswer":
        return this.testDnsAnswer(call);
      default:
        throw new Error(`the sandbox does not model route53:${call.operation}`);
    }
  }

  /** Sandbox control: force an endpoint's health (e.g. an application failure in an up region). */
  setEndpointHealth(healthCheckId: string, healthy: boolean | undefined): void {
    const check = this.healthChecks.get(healthCheckId);
    if (!check) throw new Error(`no health check ${healthCheckId}`);
    if (healthy === undefined) delete check.forced;
    else check.forced = healthy;
  }

  isHealthy(healthCheckId: string): boolean {
    const check = this.healthChecks.get(healthCheckId);
    if (!check) return false;
    return check.forced ?? this.context.isRegionUp(check.region);
  }

  healthCheckRegion(healthCheckId: string): string | undefined {
    return this.healthChecks.get(healthCheckId)?.region;
  }

  records(zoneId: string): ResourceRecordSet[] {
    return structuredClone(this.zones.get(bareZoneId(zoneId))?.records ?? []);
  }

  /** What the data plane answers for a name: failover and weighted routing with health checks. */
  answer(zoneId: string, name: string, type: string): string[] {
    const zone = this.zones.get(bareZoneId(zoneId));
    const sets = (zone?.records ?? []).filter(
      (record) => record.Name === withDot(name) && record.Type === type,
    );
    const healthy = (record: ResourceRecordSet) =>
      !record.HealthCheckId || this.isHealthy(record.HealthCheckId);
    const values = (record: ResourceRecordSet | undefined) =>
      (record?.ResourceRecords ?? []).map((value) => value.Value ?? "");
    if (sets.length === 0) return [];
    if (sets.some((record) => record.Failover)) {
      const primary = sets.find((record) => record.Failover === "PRIMARY");
      const secondary = sets.find((record) => record.Failover === "SECONDARY");
      if (primary && healthy(primary)) return values(primary);
      if (secondary && healthy(secondary)) return values(secondary);
      // With both unhealthy, Route 53 answers as if both were healthy: the primary.
      return values(primary ?? secondary);
    }
    if (sets.some((record) => record.Weight !== undefined)) {
      const candidates = sets.filter(healthy);
      const pool = candidates.length > 0 ? candidates : sets;
      const allZero = pool.every((record) => (record.Weight ?? 0) === 0);
      // Deterministic stand-in for weighted random choice: the heaviest record answers.
      const [best] = [...pool]
        .filter((record) => allZero || (record.Weight ?? 0) > 0)
        .sort(
          (a, b) =>
            (b.Weight ?? 0) - (a.Weight ?? 0) ||
            String(a.SetIdentifier).localeCompare(String(b.SetIdentifier)),
        );
      return values(best);
    }
    return values(sets[0]);
  }

  private listResourceRecordSets(call: SandboxCall): Record<string, unknown> {
    const zone = this.requireZone(call);
    const sorted = [...zone.records].sort(compareRecords);
    const startName =
      typeof call.input.StartRecordName === "string" ? withDot(call.input.StartRecordName) : undefined;
    const startType = typeof call.input.StartRecordType === "string" ? call.input.StartRecordType : undefined;
    const startId =
      typeof call.input.StartRecordIdentifier === "string" ? call.input.StartRecordIdentifier : undefined;
    const start: ResourceRecordSet = {
      Name: startName,
      Type: (startType ?? "") as never,
      SetIdentifier: startId ?? "",
    };
    const first = startName ? sorted.findIndex((record) => compareRecords(record, start) >= 0) : 0;
    const from = first < 0 ? sorted.length : first;
    const maxItems = Number(call.input.MaxItems ?? PAGE_SIZE);
    const page = sorted.slice(from, from + maxItems);
    const next = sorted[from + maxItems];
    return {
      ResourceRecordSets: structuredClone(page),
      IsTruncated: next !== undefined,
      MaxItems: maxItems,
      ...(next
        ? {
            NextRecordName: next.Name,
            NextRecordType: next.Type,
            ...(next.SetIdentifier ? { NextRecordIdentifier: next.SetIdentifier } : {}),
          }
        : {}),
    };
  }

  /** Validates the whole batch against a copy and commits only if every change is valid: all or nothing. */
  private changeResourceRecordSets(call: SandboxCall): Record<string, unknown> {
    const zone = this.requireZone(call);
    const batch = (call.input.ChangeBatch ?? {}) as {
      Changes?: Array<{ Action?: string; ResourceRecordSet?: ResourceRecordSet }>;
      Comment?: string;
    };
    const working = zone.records.map((record) => structuredClone(record));
    const problems: string[] = [];
    for (const change of batch.Changes ?? []) {
      const record = change.ResourceRecordSet ? normaliseRecord(change.ResourceRecordSet) : undefined;
      if (!record?.Name || !record.Type) {
        problems.push("A change has no resource record set name or type");
        continue;
      }
      const problem = validateRecord(record, zone.name);
      if (problem) {
        problems.push(problem);
        continue;
      }
      const index = working.findIndex((existing) => sameIdentity(existing, record));
      const label = `[name='${record.Name}', type='${record.Type}'${record.SetIdentifier ? `, set-identifier='${record.SetIdentifier}'` : ""}]`;
      if (change.Action === "CREATE") {
        if (index >= 0) problems.push(`Tried to create resource record set ${label} but it already exists`);
        else working.push(record);
      } else if (change.Action === "DELETE") {
        if (index < 0 || !sameValues(working[index] as ResourceRecordSet, record)) {
          problems.push(`Tried to delete resource record set ${label} but it was not found`);
        } else working.splice(index, 1);
      } else if (change.Action === "UPSERT") {
        if (index >= 0) working[index] = record;
        else working.push(record);
      } else {
        problems.push(`Invalid action ${String(change.Action)}`);
      }
    }
    if ((batch.Changes ?? []).length === 0) problems.push("The change batch has no changes");
    problems.push(...batchConflicts(working));
    if (problems.length > 0) {
      throw new InvalidChangeBatch({
        message: problems.join("; "),
        messages: problems,
        $metadata: errorMetadata(call),
      });
    }
    zone.records = working;
    const change: Change = {
      id: `/change/C${String(this.changes.size + 1).padStart(12, "0")}SANDBOX`,
      submittedAt: this.context.clock.now(),
      ...(batch.Comment ? { comment: batch.Comment } : {}),
    };
    this.changes.set(change.id, change);
    return { ChangeInfo: this.changeShape(change) };
  }

  private getChange(call: SandboxCall): Record<string, unknown> {
    const id = String(call.input.Id ?? "");
    const change = this.changes.get(id.startsWith("/change/") ? id : `/change/${id}`);
    if (!change)
      throw new NoSuchChange({
        message: `A change with the specified change ID does not exist: ${id}`,
        $metadata: errorMetadata(call, 404),
      });
    return { ChangeInfo: this.changeShape(change) };
  }

  private getHealthCheckStatus(call: SandboxCall): Record<string, unknown> {
    const id = String(call.input.HealthCheckId ?? "");
    if (!this.healthChecks.has(id)) {
      throw new NoSuchHealthCheck({
        message: `No health check exists with the specified ID ${id}`,
        $metadata: errorMetadata(call, 404),
      });
    }
    const healthy = this.isHealthy(id);
    const checkedTime = this.context.clock.now();
    return {
      HealthCheckObservations: CHECKER_REGIONS.map((region, index) => ({
        Region: region,
        IPAddress: `15.177.${index}.1`,
        StatusReport: {
          Status: healthy
            ? "Success: HTTP Status Code 200, OK"
            : "Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.",
          CheckedTime: checkedTime,
        },
      })),
    };
  }

  private testDnsAnswer(call: SandboxCall): Record<string, unknown> {
    this.requireZone(call);
    const name = String(call.input.RecordName ?? "");
    const type = String(call.input.RecordType ?? "");
    const data = this.answer(String(call.input.HostedZoneId), name, type);
    return {
      Nameserver: "ns-0.awsdns-00.com",
      RecordName: withDot(name),
      RecordType: type,
      RecordData: data,
      ResponseCode: data.length > 0 ? "NOERROR" : "NXDOMAIN",
      Protocol: "UDP",
    };
  }

  private changeShape(change: Change): Record<string, unknown> {
    const inSync =
      this.context.clock.now().getTime() >= change.submittedAt.getTime() + this.timings.changePropagationMs;
    return {
      Id: change.id,
      Status: inSync ? "INSYNC" : "PENDING",
      SubmittedAt: change.submittedAt,
      ...(change.comment ? { Comment: change.comment } : {}),
    };
  }

  private requireZone(call: SandboxCall): { name: string; records: ResourceRecordSet[] } {
    const id = bareZoneId(String(call.input.HostedZoneId ?? ""));
    const zone = this.zones.get(id);
    if (!zone)
      throw new NoSuchHostedZone({
        message: `No hosted zone found with ID: ${id}`,
        $metadata: errorMetadata(call, 404),
      });
    return zone;
  }
}

function validateRecord(record: ResourceRecordSet, zoneName: string): string | undefined {
  const name = record.Name ?? "";
  if (name !== zoneName && !name.endsWith(`.${zoneName}`)) {
    return `RRSet with DNS name ${name} is not permitted in zone ${zoneName}`;
  }
  const routed = record.Failover !== undefined || record.Weight !== undefined;
  if (routed && !record.SetIdentifier) return `RRSet ${name} with a routing policy must have a SetIdentifier`;
  if (record.Weight !== undefined && (record.Weight < 0 || record.Weight > 255)) {
    return `Weight for ${name} must be between 0 and 255`;
  }
  if (record.Failover !== undefined && record.Failover !== "PRIMARY" && record.Failover !== "SECONDARY") {
    return `Failover for ${name} must be PRIMARY or SECONDARY`;
  }
  if ((record.ResourceRecords ?? []).length === 0 && !record.AliasTarget) {
    return `RRSet ${name} must have at least one resource record`;
  }
  return undefined;
}

/** Rules over the zone as it would be after the batch. */
function batchConflicts(records: readonly ResourceRecordSet[]): string[] {
  const problems: string[] = [];
  const byName = new Map<string, ResourceRecordSet[]>();
  for (const record of records)
    byName.set(record.Name ?? "", [...(byName.get(record.Name ?? "") ?? []), record]);
  for (const [name, sets] of byName) {
    if (sets.some((record) => record.Type === "CNAME") && sets.some((record) => record.Type !== "CNAME")) {
      problems.push(
        `RRSet of type CNAME with DNS name ${name} is not permitted as it conflicts with other records with the same DNS name`,
      );
    }
    for (const role of ["PRIMARY", "SECONDARY"] as const) {
      for (const type of new Set(sets.map((record) => record.Type))) {
        if (sets.filter((record) => record.Type === type && record.Failover === role).length > 1) {
          problems.push(
            `RRSet with DNS name ${name}, type ${type} cannot have more than one ${role} failover record`,
          );
        }
      }
    }
  }
  return problems;
}

function sameIdentity(a: ResourceRecordSet, b: ResourceRecordSet): boolean {
  return a.Name === b.Name && a.Type === b.Type && (a.SetIdentifier ?? "") === (b.SetIdentifier ?? "");
}

/** DELETE must match the record exactly, as Route 53 requires. */
function sameValues(a: ResourceRecordSet, b: ResourceRecordSet): boolean {
  const values = (record: ResourceRecordSet) =>
    (record.ResourceRecords ?? [])
      .map((value) => value.Value)
      .sort()
      .join(",");
  return (
    a.TTL === b.TTL &&
    values(a) === values(b) &&
    a.Weight === b.Weight &&
    a.Failover === b.Failover &&
    a.HealthCheckId === b.HealthCheckId
  );
}

function compareRecords(a: ResourceRecordSet, b: ResourceRecordSet): number {
  // Route 53 lists by name with its labels reversed (example.com before app.example.com), then type.
  const reversed = (record: ResourceRecordSet) => (record.Name ?? "").split(".").reverse().join(".");
  return (
    reversed(a).localeCompare(reversed(b)) ||
    String(a.Type).localeCompare(String(b.Type)) ||
    String(a.SetIdentifier ?? "").localeCompare(String(b.SetIdentifier ?? ""))
  );
}

function normaliseRecord(record: ResourceRecordSet): ResourceRecordSet {
  return { ...structuredClone(record), Name: withDot(record.Name ?? "") };
}

function withDot(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower : `${lower}.`;
}

function bareZoneId(id: string): string {
  return id.replace(/^\/hostedzone\//, "");
}
