import { isIPv4, isIPv6 } from "node:net";
import {
  type ChangeInfo,
  type ChangeResourceRecordSetsResponse,
  type GetChangeResponse,
  type GetHealthCheckResponse,
  type GetHealthCheckStatusResponse,
  type GetHostedZoneResponse,
  type HealthCheckRegion,
  InvalidChangeBatch,
  InvalidInput,
  type ListResourceRecordSetsResponse,
  NoSuchChange,
  NoSuchHealthCheck,
  NoSuchHostedZone,
  type ResourceRecordSet,
  type RRType,
  type TestDNSAnswerResponse,
} from "@aws-sdk/client-route-53";
import { DEFAULT_LATENCIES } from "../latencies.js";
import {
  errorMetadata,
  type ModelContext,
  type SandboxCall,
  type ServiceModel,
  type TrailResource,
} from "../service-model.js";
import { requestLimitProblem } from "./route53-request-limits.js";

export interface Route53Seed {
  hostedZones: Array<{ id: string; name: string; records: ResourceRecordSet[] }>;
  /**
   * Each health check probes an endpoint in one region (`region` is where that endpoint runs), or, as a
   * traffic gate, follows a CloudWatch alarm or an ARC routing control.
   */
  healthChecks: Array<{
    id: string;
    region: string;
    fqdn?: string;
    alarm?: { region: string; name: string };
    routingControlArn?: string;
    /** An HTTPS_STR_MATCH check on an S3 object: healthy while its body holds `search`. */
    object?: ObjectCheck;
  }>;
}

export interface ObjectCheck {
  region: string;
  bucket: string;
  key: string;
  search: string;
}

/** Where the gate health checks read their state: the CloudWatch and ARC models. */
export interface GateHealthSources {
  /** Whether the alarm was OK at that moment; undefined when it has no data to say. */
  alarmOkAt(region: string, name: string, atMs: number): boolean | undefined;
  routingControlOn(arn: string): boolean;
  /** The object's body as a request at that moment would get it; undefined when it cannot be read. */
  objectBodyAt(bucket: string, key: string, atMs: number): string | undefined;
}

export interface Route53Timings {
  changePropagationMs: number;
  /** How far behind the endpoint (or S3 object) a fast health check's status is. */
  fastIntervalMs: number;
  /** How far behind its alarm an alarm health check's status is. */
  alarmHealthCheckLagMs: number;
}

interface HostedZoneState {
  id: string;
  name: string;
  records: ResourceRecordSet[];
}

interface HealthCheckState {
  id: string;
  region: string;
  fqdn?: string;
  forcedUnhealthy: boolean;
  alarm?: { region: string; name: string };
  routingControlArn?: string;
  object?: ObjectCheck;
  /** For an alarm's health check: its status when the alarm last had data (LastKnownStatus). */
  lastKnownHealthy: boolean;
}

interface ChangeState {
  id: string;
  submittedAt: Date;
  comment?: string;
}

interface ChangeInput {
  Action?: string;
  ResourceRecordSet?: ResourceRecordSet;
}

/** The regions Route 53 health checkers run in when a health check does not narrow them. */
const CHECKER_REGIONS: readonly HealthCheckRegion[] = [
  "us-east-1",
  "us-west-1",
  "us-west-2",
  "eu-west-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
  "sa-east-1",
];
const NAME_SERVERS = [
  "ns-1024.awsdns-00.org",
  "ns-1536.awsdns-00.co.uk",
  "ns-0.awsdns-00.com",
  "ns-512.awsdns-00.net",
];
/**
 * How long after an alarm changes state its health check reports the change: Route 53 health checkers
 * read the alarm's data on their own schedule. AWS gives no figure; one standard interval is assumed.
 */
export const ALARM_HEALTH_CHECK_LAG_MS = DEFAULT_LATENCIES.alarmHealthCheckLag;
/**
 * A fast health check requests every 10 s; with a failure threshold of 1 its status follows the endpoint
 * one request later (Route 53 developer guide, "How Route 53 determines whether a health check is healthy").
 */
export const FAST_INTERVAL_MS = DEFAULT_LATENCIES.fastHealthCheckInterval;

/**
 * Route 53 reports a change INSYNC once all its authoritative servers have it: "generally within 60
 * seconds" (sandbox/latencies.ts `route53ChangePropagation`).
 */
export const DEFAULT_ROUTE53_TIMINGS: Route53Timings = {
  changePropagationMs: DEFAULT_LATENCIES.route53ChangePropagation,
  fastIntervalMs: FAST_INTERVAL_MS,
  alarmHealthCheckLagMs: ALARM_HEALTH_CHECK_LAG_MS,
};
const DEFAULT_MAX_ITEMS = 300;
const MAX_TTL = 2_147_483_647;
const SUCCESS = "Success: HTTP Status Code 200, OK";
const REGION_UNREACHABLE =
  "Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall. See https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-router-firewall-rules.html";
const APPLICATION_FAILING = "Failure: HTTP Status Code 503, Service Unavailable";
const GATE_CLOSED = "Failure: the health check's alarm or routing control says unhealthy";

/**
 * Route 53: the control plane (record changes and their status) and the data plane (health checks and the
 * answers resolvers get).
 *
 * Modelling choice: answers (TestDNSAnswer, `answer`) follow the records as soon as a change is accepted;
 * propagation only shows in GetChange, which is what the workflow waits on before it trusts an answer.
 * Health likewise follows the endpoint's region at once, without the checkers' failure threshold.
 */
export class Route53Model implements ServiceModel {
  readonly service = "route53" as const;
  readonly eventSource = "route53.amazonaws.com";
  private readonly zones = new Map<string, HostedZoneState>();
  private readonly healthChecks = new Map<string, HealthCheckState>();
  private readonly changes = new Map<string, ChangeState>();
  private readonly timings: Route53Timings;
  private readonly aliasTargetsDown = new Set<string>();

  constructor(
    private readonly context: ModelContext,
    seed: Route53Seed,
    timings: Partial<Route53Timings> = {},
    private readonly gateSources?: GateHealthSources,
  ) {
    this.timings = { ...DEFAULT_ROUTE53_TIMINGS, ...timings };
    for (const zone of seed.hostedZones) {
      const id = bareId(zone.id);
      this.zones.set(id, { id, name: withDot(zone.name), records: zone.records.map(normaliseRecord) });
    }
    for (const check of seed.healthChecks) {
      this.healthChecks.set(check.id, {
        id: check.id,
        region: check.region,
        ...(check.fqdn === undefined ? {} : { fqdn: check.fqdn }),
        ...(check.alarm === undefined ? {} : { alarm: check.alarm }),
        ...(check.routingControlArn === undefined ? {} : { routingControlArn: check.routingControlArn }),
        ...(check.object === undefined ? {} : { object: check.object }),
        forcedUnhealthy: false,
        // "For new health checks that have no last known status, the status for the health check is
        // healthy" (Route 53 API reference, HealthCheckConfig.InsufficientDataHealthStatus).
        lastKnownHealthy: true,
      });
    }
  }

  isMutating(operation: string): boolean {
    return operation === "ChangeResourceRecordSets" || operation === "DeleteHealthCheck";
  }

  resourcesOf(call: SandboxCall): TrailResource[] {
    const resources: TrailResource[] = [];
    if (typeof call.input.HostedZoneId === "string") {
      resources.push({
        ResourceType: "AWS::Route53::HostedZone",
        ResourceName: bareId(call.input.HostedZoneId),
      });
    }
    if (typeof call.input.HealthCheckId === "string") {
      resources.push({ ResourceType: "AWS::Route53::HealthCheck", ResourceName: call.input.HealthCheckId });
    }
    return resources;
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
      case "GetHealthCheck":
        return this.getHealthCheck(call);
      case "DeleteHealthCheck":
        return this.deleteHealthCheck(call);
      case "GetHostedZone":
        return this.getHostedZone(call);
      case "TestDNSAnswer":
        return this.testDnsAnswer(call);
      default:
        throw new Error(`the sandbox does not model route53:${call.operation}`);
    }
  }

  /**
   * Sandbox control: `false` makes an endpoint fail its health check although its region is up (the
   * application is broken); `true` lifts that. An endpoint in a region that is down stays unhealthy.
   */
  setEndpointHealth(healthCheckId: string, healthy: boolean): void {
    this.requireHealthCheckState(healthCheckId).forcedUnhealthy = !healthy;
  }

  isHealthy(healthCheckId: string): boolean {
    const check = this.healthChecks.get(healthCheckId);
    if (!check) return false;
    if (check.routingControlArn !== undefined) {
      return this.gateSources?.routingControlOn(check.routingControlArn) ?? false;
    }
    if (check.object !== undefined) {
      const at = this.context.clock.now().getTime() - this.timings.fastIntervalMs;
      const body = this.gateSources?.objectBodyAt(check.object.bucket, check.object.key, at);
      return body?.includes(check.object.search) === true;
    }
    if (check.alarm !== undefined) {
      const at = this.context.clock.now().getTime() - this.timings.alarmHealthCheckLagMs;
      const ok = this.gateSources?.alarmOkAt(check.alarm.region, check.alarm.name, at);
      if (ok !== undefined) check.lastKnownHealthy = ok;
      return check.lastKnownHealthy;
    }
    return !check.forcedUnhealthy && this.context.isRegionUp(check.region);
  }

  healthCheckRegion(healthCheckId: string): string | undefined {
    return this.healthChecks.get(healthCheckId)?.region;
  }

  /** The zone's records as ListResourceRecordSets orders them (copies). */
  records(zoneId: string): ResourceRecordSet[] {
    const zone = this.zones.get(bareId(zoneId));
    return zone ? [...zone.records].sort(compareRecords).map((record) => structuredClone(record)) : [];
  }

  /** What the data plane answers for a name and type now: TestDNSAnswer's RecordData, without the call. */
  answer(zoneId: string, name: string, type: string): string[] {
    const zone = this.zones.get(bareId(zoneId));
    return zone ? this.resolve(zone, withDot(name), type).data : [];
  }

  private resolve(
    zone: HostedZoneState,
    name: string,
    type: string,
  ): { data: string[]; nameExists: boolean } {
    // A name with records of other types only, or with records only below it, exists: NOERROR, no data.
    const nameExists = zone.records.some(
      (record) => record.Name === name || (record.Name ?? "").endsWith(`.${name}`),
    );
    const sets = zone.records.filter((record) => record.Name === name && record.Type === type);
    const chosen = this.route(sets);
    return { data: chosen.flatMap(valuesOf), nameExists };
  }

  /**
   * An alias with EvaluateTargetHealth inherits its target's health: for a load balancer, unhealthy when
   * none of its targets is (Route 53 API reference, AliasTarget, EvaluateTargetHealth,
   * https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html). The sandbox knows a
   * load balancer only by its name: it is healthy while its region (the name's
   * `<region>.elb.amazonaws.com` part) answers and no one has said otherwise (setAliasTargetHealth).
   */
  private aliasTargetHealthy(record: ResourceRecordSet): boolean {
    const alias = record.AliasTarget;
    if (!alias?.EvaluateTargetHealth) return true;
    const name = withDot(alias.DNSName ?? "").toLowerCase();
    if (this.aliasTargetsDown.has(name)) return false;
    const region = /\.([a-z]{2}(?:-[a-z]+)+-\d)\.elb\.amazonaws\.com\.$/.exec(name)?.[1];
    return region === undefined || this.context.isRegionUp(region);
  }

  /** Sandbox control: a load balancer's own health, as an alias with EvaluateTargetHealth sees it. */
  setAliasTargetHealth(dnsName: string, healthy: boolean): void {
    const name = withDot(dnsName).toLowerCase();
    if (healthy) this.aliasTargetsDown.delete(name);
    else this.aliasTargetsDown.add(name);
  }

  /** Routing as the Route 53 resolvers apply it, given the record sets of one name and type. */
  private route(sets: readonly ResourceRecordSet[]): ResourceRecordSet[] {
    const healthy = (record: ResourceRecordSet) =>
      (record.HealthCheckId === undefined || this.isHealthy(record.HealthCheckId)) &&
      this.aliasTargetHealthy(record);
    if (sets.length === 0) return [];
    if (sets.some((record) => record.Failover !== undefined)) {
      const primary = sets.find((record) => record.Failover === "PRIMARY");
      const secondary = sets.find((record) => record.Failover === "SECONDARY");
      if (primary && healthy(primary)) return [primary];
      if (secondary && healthy(secondary)) return [secondary];
      // With both unhealthy Route 53 considers both healthy, so the primary answers.
      const fallback = primary ?? secondary;
      return fallback ? [fallback] : [];
    }
    if (sets.some((record) => record.Weight !== undefined)) {
      const chosen = pickWeighted(sets, healthy);
      return chosen ? [chosen] : [];
    }
    if (sets.some((record) => record.MultiValueAnswer === true)) {
      const up = sets.filter(healthy);
      return up.length > 0 ? up : [...sets];
    }
    // Simple routing has one record set; other policies (latency, geolocation) answer with a healthy one.
    const first = sets.find(healthy) ?? sets[0];
    return first ? [first] : [];
  }

  private listResourceRecordSets(call: SandboxCall): Record<string, unknown> {
    const zone = this.requireZone(call);
    const startName = optionalString(call.input.StartRecordName);
    const startType = optionalString(call.input.StartRecordType);
    const startIdentifier = optionalString(call.input.StartRecordIdentifier);
    if (startType !== undefined && startName === undefined) {
      throw new InvalidInput({
        message: "The input is not valid: StartRecordType requires StartRecordName",
        $metadata: errorMetadata(call),
      });
    }
    const requested = call.input.MaxItems === undefined ? DEFAULT_MAX_ITEMS : Number(call.input.MaxItems);
    if (!Number.isInteger(requested) || requested < 1) {
      throw new InvalidInput({
        message: `1 validation error detected: Value '${String(call.input.MaxItems)}' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1`,
        $metadata: errorMetadata(call),
      });
    }
    // Route 53 returns at most 300 record sets a page whatever MaxItems asks for.
    const maxItems = Math.min(requested, DEFAULT_MAX_ITEMS);
    const sorted = [...zone.records].sort(compareRecords);
    const from =
      startName === undefined
        ? 0
        : indexOrEnd(
            sorted.findIndex(
              (record) =>
                compareRecords(record, {
                  Name: withDot(startName),
                  Type: (startType ?? "") as RRType,
                  SetIdentifier: startIdentifier ?? "",
                }) >= 0,
            ),
            sorted.length,
          );
    const page = sorted.slice(from, from + maxItems);
    const next = sorted[from + maxItems];
    return {
      ResourceRecordSets: page.map((record) => structuredClone(record)),
      IsTruncated: next !== undefined,
      MaxItems: maxItems,
      ...(next === undefined
        ? {}
        : {
            NextRecordName: next.Name,
            NextRecordType: next.Type,
            ...(next.SetIdentifier === undefined ? {} : { NextRecordIdentifier: next.SetIdentifier }),
          }),
    } satisfies ListResourceRecordSetsResponse;
  }

  /**
   * Like Route 53: the request is validated first (InvalidInput), then the changes are applied in order
   * to a working copy of the zone (so DELETE then CREATE of one record works, and a CNAME created before
   * the record it conflicts with is deleted does not), then rules over the zone as it would stand are
   * checked. The zone changes only if nothing failed: a batch is all or nothing.
   */
  private changeResourceRecordSets(call: SandboxCall): Record<string, unknown> {
    const zone = this.requireZone(call);
    const batch = (call.input.ChangeBatch ?? {}) as { Changes?: ChangeInput[]; Comment?: string };
    const changes = batch.Changes ?? [];
    const invalid = inputProblem(changes);
    if (invalid !== undefined) throw new InvalidInput({ message: invalid, $metadata: errorMetadata(call) });
    const tooLarge = requestLimitProblem(changes);
    if (tooLarge !== undefined) {
      throw new InvalidChangeBatch({
        message: `[${tooLarge}]`,
        messages: [tooLarge],
        $metadata: errorMetadata(call),
      });
    }
    for (const change of changes) {
      const healthCheckId = change.ResourceRecordSet?.HealthCheckId;
      if (healthCheckId !== undefined) this.requireHealthCheck(call, healthCheckId);
    }

    const working = zone.records.map((record) => structuredClone(record));
    const written: ResourceRecordSet[] = [];
    const problems: string[] = [];
    for (const change of changes) {
      const record = normaliseRecord(change.ResourceRecordSet as ResourceRecordSet);
      const name = record.Name ?? "";
      if (name !== zone.name && !name.endsWith(`.${zone.name}`)) {
        problems.push(`RRSet with DNS name ${name} is not permitted in zone ${zone.name}`);
        continue;
      }
      const index = working.findIndex((existing) => sameIdentity(existing, record));
      const label = describe(record);
      const badAddress = change.Action === "DELETE" ? undefined : addressProblem(record);
      if (badAddress) {
        problems.push(badAddress);
        continue;
      }
      if (change.Action === "DELETE") {
        const existing = working[index];
        if (!existing) problems.push(`Tried to delete resource record set ${label} but it was not found`);
        else if (!sameValues(existing, record)) {
          problems.push(
            `Tried to delete resource record set ${label} but the values provided do not match the current values`,
          );
        } else working.splice(index, 1);
        continue;
      }
      if (change.Action === "CREATE" && index >= 0) {
        problems.push(`Tried to create resource record set ${label} but it already exists`);
        continue;
      }
      const conflict = cnameConflict(working, index, record, zone.name);
      if (conflict) {
        problems.push(conflict);
        continue;
      }
      if (index >= 0) working[index] = record;
      else working.push(record);
      written.push(record);
    }
    problems.push(...routingConflicts(working, written));
    if (problems.length > 0) {
      throw new InvalidChangeBatch({
        message: `[${problems.join(", ")}]`,
        messages: problems,
        $metadata: errorMetadata(call),
      });
    }

    zone.records = working;
    const change: ChangeState = {
      id: `/change/C${String(this.changes.size + 1).padStart(6, "0")}SANDBOX`,
      submittedAt: this.context.clock.now(),
      ...(batch.Comment === undefined ? {} : { comment: batch.Comment }),
    };
    this.changes.set(change.id, change);
    return { ChangeInfo: this.changeInfo(change) } satisfies ChangeResourceRecordSetsResponse;
  }

  private getChange(call: SandboxCall): Record<string, unknown> {
    const id = String(call.input.Id ?? "");
    const change = this.changes.get(`/change/${bareId(id)}`);
    if (!change) {
      throw new NoSuchChange({
        message: `A change with the specified change ID does not exist: ${id}`,
        $metadata: errorMetadata(call, 404),
      });
    }
    return { ChangeInfo: this.changeInfo(change) } satisfies GetChangeResponse;
  }

  private getHealthCheckStatus(call: SandboxCall): Record<string, unknown> {
    const check = this.requireHealthCheck(call, String(call.input.HealthCheckId ?? ""));
    const gate =
      check.alarm !== undefined || check.routingControlArn !== undefined || check.object !== undefined;
    const status = gate
      ? this.isHealthy(check.id)
        ? SUCCESS
        : GATE_CLOSED
      : !this.context.isRegionUp(check.region)
        ? REGION_UNREACHABLE
        : check.forcedUnhealthy
          ? APPLICATION_FAILING
          : SUCCESS;
    const checkedTime = this.context.clock.now();
    return {
      HealthCheckObservations: CHECKER_REGIONS.map((region, index) => ({
        Region: region,
        IPAddress: `15.177.${index * 8}.${10 + index}`,
        StatusReport: { Status: status, CheckedTime: checkedTime },
      })),
    } satisfies GetHealthCheckStatusResponse;
  }

  private getHealthCheck(call: SandboxCall): Record<string, unknown> {
    const check = this.requireHealthCheck(call, String(call.input.HealthCheckId ?? ""));
    if (check.object !== undefined) {
      return {
        HealthCheck: {
          Id: check.id,
          CallerReference: `kirikae-sandbox-${check.id}`,
          HealthCheckConfig: {
            Type: "HTTPS_STR_MATCH",
            FullyQualifiedDomainName: `${check.object.bucket}.s3.${check.object.region}.amazonaws.com`,
            ResourcePath: `/${check.object.key}`,
            SearchString: check.object.search,
            Port: 443,
            RequestInterval: 10,
            FailureThreshold: 1,
            EnableSNI: true,
          },
          HealthCheckVersion: 1,
        },
      } satisfies GetHealthCheckResponse;
    }
    if (check.alarm !== undefined || check.routingControlArn !== undefined) {
      return {
        HealthCheck: {
          Id: check.id,
          CallerReference: `kirikae-sandbox-${check.id}`,
          HealthCheckConfig:
            check.alarm !== undefined
              ? {
                  Type: "CLOUDWATCH_METRIC",
                  AlarmIdentifier: { Region: check.alarm.region as never, Name: check.alarm.name },
                  InsufficientDataHealthStatus: "LastKnownStatus",
                }
              : { Type: "RECOVERY_CONTROL", RoutingControlArn: check.routingControlArn },
          HealthCheckVersion: 1,
        },
      } satisfies GetHealthCheckResponse;
    }
    return {
      HealthCheck: {
        Id: check.id,
        CallerReference: `kirikae-sandbox-${check.id}`,
        HealthCheckConfig: {
          Type: "HTTPS",
          ...(check.fqdn === undefined ? {} : { FullyQualifiedDomainName: check.fqdn }),
          Port: 443,
          ResourcePath: "/health",
          RequestInterval: 30,
          FailureThreshold: 3,
          MeasureLatency: false,
          Inverted: false,
          Disabled: false,
          EnableSNI: true,
        },
        HealthCheckVersion: 1,
      },
    } satisfies GetHealthCheckResponse;
  }

  /**
   * Route 53 deletes a health check even while records refer to it; those records' health is then
   * undefined, which this model answers as unhealthy.
   */
  private deleteHealthCheck(call: SandboxCall): Record<string, unknown> {
    const check = this.requireHealthCheck(call, String(call.input.HealthCheckId ?? ""));
    this.healthChecks.delete(check.id);
    return {};
  }

  private getHostedZone(call: SandboxCall): Record<string, unknown> {
    const zone = this.requireZone(call, call.input.Id);
    return {
      HostedZone: {
        Id: `/hostedzone/${zone.id}`,
        Name: zone.name,
        CallerReference: `kirikae-sandbox-${zone.id}`,
        Config: { PrivateZone: false },
        ResourceRecordSetCount: zone.records.length,
      },
      DelegationSet: { NameServers: [...NAME_SERVERS] },
    } satisfies GetHostedZoneResponse;
  }

  private testDnsAnswer(call: SandboxCall): Record<string, unknown> {
    const zone = this.requireZone(call);
    const name = String(call.input.RecordName ?? "");
    const type = String(call.input.RecordType ?? "") as RRType;
    const { data, nameExists } = this.resolve(zone, withDot(name), type);
    return {
      Nameserver: NAME_SERVERS[2] ?? "",
      RecordName: name,
      RecordType: type,
      RecordData: data,
      ResponseCode: nameExists ? "NOERROR" : "NXDOMAIN",
      Protocol: "UDP",
    } satisfies TestDNSAnswerResponse;
  }

  private changeInfo(change: ChangeState): ChangeInfo {
    const inSync =
      this.context.clock.now().getTime() >= change.submittedAt.getTime() + this.timings.changePropagationMs;
    return {
      Id: change.id,
      Status: inSync ? "INSYNC" : "PENDING",
      SubmittedAt: new Date(change.submittedAt),
      ...(change.comment === undefined ? {} : { Comment: change.comment }),
    };
  }

  private requireZone(call: SandboxCall, id: unknown = call.input.HostedZoneId): HostedZoneState {
    const bare = bareId(String(id ?? ""));
    const zone = this.zones.get(bare);
    if (!zone) {
      throw new NoSuchHostedZone({
        message: `No hosted zone found with ID: ${bare}`,
        $metadata: errorMetadata(call, 404),
      });
    }
    return zone;
  }

  private requireHealthCheck(call: SandboxCall, id: string): HealthCheckState {
    const check = this.healthChecks.get(id);
    if (!check) {
      throw new NoSuchHealthCheck({
        message: `No health check exists with the specified ID ${id}`,
        $metadata: errorMetadata(call, 404),
      });
    }
    return check;
  }

  private requireHealthCheckState(id: string): HealthCheckState {
    const check = this.healthChecks.get(id);
    if (!check) throw new Error(`the sandbox has no Route 53 health check ${id}`);
    return check;
  }
}

/**
 * Weighted routing: the heaviest healthy record answers, a deterministic stand-in for Route 53's weighted
 * random choice. Route 53 considers zero-weight records only when every non-zero one is unhealthy, and
 * when all are unhealthy it answers as if all were healthy.
 */
function pickWeighted(
  sets: readonly ResourceRecordSet[],
  healthy: (record: ResourceRecordSet) => boolean,
): ResourceRecordSet | undefined {
  const weight = (record: ResourceRecordSet) => record.Weight ?? 0;
  const tiers = [
    sets.filter((record) => weight(record) > 0 && healthy(record)),
    sets.filter((record) => weight(record) === 0 && healthy(record)),
    sets.filter((record) => weight(record) > 0),
    [...sets],
  ];
  const pool = tiers.find((tier) => tier.length > 0) ?? [];
  return [...pool].sort(
    (a, b) => weight(b) - weight(a) || compareText(a.SetIdentifier ?? "", b.SetIdentifier ?? ""),
  )[0];
}

function valuesOf(record: ResourceRecordSet): string[] {
  // An alias answers with its target's addresses, which the sandbox does not know: it names the target.
  if (record.AliasTarget?.DNSName) return [record.AliasTarget.DNSName];
  return (record.ResourceRecords ?? []).map((value) => value.Value ?? "");
}

/**
 * The checks Route 53 makes before it looks at the zone, with its wording: schema violations are reported
 * together, then the first malformed change.
 */
function inputProblem(changes: readonly ChangeInput[]): string | undefined {
  const violations: string[] = [];
  if (changes.length === 0) {
    violations.push(
      "Value '[]' at 'changeBatch.changes' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  changes.forEach((change, position) => {
    const at = `changeBatch.changes.${position + 1}.member`;
    if (!["CREATE", "DELETE", "UPSERT"].includes(String(change.Action))) {
      violations.push(
        `Value '${String(change.Action)}' at '${at}.action' failed to satisfy constraint: Member must satisfy enum value set: [CREATE, DELETE, UPSERT]`,
      );
    }
    const record = change.ResourceRecordSet;
    if (!record) {
      violations.push(
        `Value null at '${at}.resourceRecordSet' failed to satisfy constraint: Member must not be null`,
      );
      return;
    }
    for (const field of ["Name", "Type"] as const) {
      if (!record[field]) {
        violations.push(
          `Value null at '${at}.resourceRecordSet.${field.toLowerCase()}' failed to satisfy constraint: Member must not be null`,
        );
      }
    }
    const range = (field: string, value: number | undefined, max: number) => {
      if (value === undefined) return;
      if (value < 0 || value > max) {
        violations.push(
          `Value '${value}' at '${at}.resourceRecordSet.${field}' failed to satisfy constraint: Member must have value ${value < 0 ? "greater than or equal to 0" : `less than or equal to ${max}`}`,
        );
      }
    };
    if (record.AliasTarget) {
      for (const field of ["HostedZoneId", "DNSName", "EvaluateTargetHealth"] as const) {
        if (record.AliasTarget[field] === undefined || record.AliasTarget[field] === "") {
          const member = field === "DNSName" ? "dNSName" : `${field[0]?.toLowerCase()}${field.slice(1)}`;
          violations.push(
            `Value null at '${at}.resourceRecordSet.aliasTarget.${member}' failed to satisfy constraint: Member must not be null`,
          );
        }
      }
    }
    range("weight", record.Weight, 255);
    range("tTL", record.TTL, MAX_TTL);
    if (record.Failover !== undefined && record.Failover !== "PRIMARY" && record.Failover !== "SECONDARY") {
      violations.push(
        `Value '${String(record.Failover)}' at '${at}.resourceRecordSet.failover' failed to satisfy constraint: Member must satisfy enum value set: [PRIMARY, SECONDARY]`,
      );
    }
  });
  if (violations.length > 0) {
    return `${violations.length} validation error${violations.length > 1 ? "s" : ""} detected: ${violations.join("; ")}`;
  }
  for (const change of changes) {
    const record = change.ResourceRecordSet as ResourceRecordSet;
    const where = `Change with [Action=${String(change.Action)}, Name=${withDot(record.Name ?? "")}, Type=${String(record.Type)}, SetIdentifier=${record.SetIdentifier ?? "null"}]`;
    const alias = record.AliasTarget !== undefined;
    const plain = record.TTL !== undefined || (record.ResourceRecords ?? []).length > 0;
    const complete = record.TTL !== undefined && (record.ResourceRecords ?? []).length > 0;
    if (alias ? plain : !complete) {
      return `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found ${alias ? "more than one" : "none"} in ${where}`;
    }
    if (routingPolicyOf(record) !== "simple" && !record.SetIdentifier) {
      return `Invalid request: Missing field 'SetIdentifier' in ${where}`;
    }
  }
  return undefined;
}

/**
 * An A record's value is "an IPv4 address in dotted decimal notation", an AAAA's "an IPv6 address in
 * colon-separated hexadecimal format" (Route 53 developer guide, "Supported DNS record types",
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/ResourceRecordTypes.html); anything else is
 * refused with InvalidChangeBatch, in the wording Route 53 is seen to use. A load balancer's name goes in
 * an alias instead (AliasTarget), which has no values to check.
 */
function addressProblem(record: ResourceRecordSet): string | undefined {
  const check =
    record.Type === "A"
      ? { ok: isIPv4, code: "ARRDATAIllegalIPv4Address", what: "IPv4" }
      : record.Type === "AAAA"
        ? { ok: isIPv6, code: "ARRDATAIllegalIPv6Address", what: "IPv6" }
        : undefined;
  if (!check || record.AliasTarget) return undefined;
  const bad = (record.ResourceRecords ?? [])
    .map((value) => value.Value ?? "")
    .find((value) => !check.ok(value));
  return bad === undefined
    ? undefined
    : `Invalid Resource Record: 'FATAL problem: ${check.code} (Value is not a valid ${check.what} address) encountered with '${bad}''`;
}

/** A CNAME owns its name: no other type may share it, and none may sit at the zone apex. */
function cnameConflict(
  records: readonly ResourceRecordSet[],
  replacing: number,
  record: ResourceRecordSet,
  zoneName: string,
): string | undefined {
  const name = record.Name ?? "";
  if (record.Type === "CNAME" && name === zoneName) {
    return `RRSet of type CNAME with DNS name ${name} is not permitted at apex in zone ${zoneName}`;
  }
  const others = records.filter((existing, index) => index !== replacing && existing.Name === name);
  if (record.Type === "CNAME" && others.some((existing) => existing.Type !== "CNAME")) {
    return `RRSet of type CNAME with DNS name ${name} is not permitted as it conflicts with other records with the same DNS name in zone ${zoneName}`;
  }
  if (record.Type !== "CNAME" && others.some((existing) => existing.Type === "CNAME")) {
    return `RRSet of type ${String(record.Type)} with DNS name ${name} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${zoneName}`;
  }
  return undefined;
}

/**
 * Rules over each name and type the batch wrote, as the zone would stand after it: one routing policy per
 * name and type, and at most one PRIMARY and one SECONDARY failover record. Checked on the result rather
 * than change by change, so a batch of two UPSERTs that swaps PRIMARY and SECONDARY is valid, as on AWS.
 */
function routingConflicts(
  records: readonly ResourceRecordSet[],
  written: readonly ResourceRecordSet[],
): string[] {
  const problems: string[] = [];
  for (const record of written) {
    if (!records.includes(record)) continue;
    const policy = routingPolicyOf(record);
    const group = records.filter((other) => other.Name === record.Name && other.Type === record.Type);
    const subject = `RRSet with DNS name ${record.Name}, type ${String(record.Type)}`;
    if (group.some((other) => routingPolicyOf(other) !== policy)) {
      problems.push(
        policy === "simple"
          ? `${subject} cannot be created as other RRSets exist with the same name and type.`
          : `${subject}, SetIdentifier ${record.SetIdentifier} cannot be created as a non-${policy} set exists with the same name and type.`,
      );
    } else if (
      record.Failover !== undefined &&
      group.filter((other) => other.Failover === record.Failover).length > 1
    ) {
      // AWS does not document this message's wording; it follows the shape of its neighbours.
      problems.push(
        `${subject}, SetIdentifier ${record.SetIdentifier} cannot be created as another ${record.Failover} failover set exists with the same name and type.`,
      );
    }
  }
  return problems;
}

function routingPolicyOf(record: ResourceRecordSet): string {
  if (record.Weight !== undefined) return "weighted";
  if (record.Failover !== undefined) return "failover";
  if (record.Region !== undefined) return "latency";
  if (record.GeoLocation !== undefined) return "geolocation";
  if (record.GeoProximityLocation !== undefined) return "geoproximity";
  if (record.CidrRoutingConfig !== undefined) return "IP-based";
  if (record.MultiValueAnswer !== undefined) return "multivalue";
  return "simple";
}

function describe(record: ResourceRecordSet): string {
  const identifier = record.SetIdentifier === undefined ? "" : `, set-identifier='${record.SetIdentifier}'`;
  return `[name='${record.Name}', type='${String(record.Type)}'${identifier}]`;
}

function sameIdentity(a: ResourceRecordSet, b: ResourceRecordSet): boolean {
  return a.Name === b.Name && a.Type === b.Type && (a.SetIdentifier ?? "") === (b.SetIdentifier ?? "");
}

/** A DELETE must repeat the record set exactly: Route 53 compares every value, values in any order. */
function sameValues(a: ResourceRecordSet, b: ResourceRecordSet): boolean {
  return JSON.stringify(comparable(a)) === JSON.stringify(comparable(b));
}

function comparable(record: ResourceRecordSet): unknown[] {
  return [
    record.TTL ?? null,
    (record.ResourceRecords ?? []).map((value) => value.Value ?? "").sort(),
    record.Weight ?? null,
    record.Failover ?? null,
    record.HealthCheckId ?? null,
    record.Region ?? null,
    record.MultiValueAnswer ?? null,
    record.GeoLocation ?? null,
    record.AliasTarget
      ? [
          record.AliasTarget.HostedZoneId,
          withDot(record.AliasTarget.DNSName ?? ""),
          record.AliasTarget.EvaluateTargetHealth,
        ]
      : null,
  ];
}

/**
 * Route 53's listing order: by name with its labels reversed and the trailing dot kept ("com.example.www."),
 * compared character by character, then by type, then by set identifier.
 */
function compareRecords(a: ResourceRecordSet, b: ResourceRecordSet): number {
  return (
    compareText(sortKey(a.Name ?? ""), sortKey(b.Name ?? "")) ||
    compareText(String(a.Type ?? ""), String(b.Type ?? "")) ||
    compareText(a.SetIdentifier ?? "", b.SetIdentifier ?? "")
  );
}

function sortKey(name: string): string {
  const labels = name.replace(/\.$/, "").split(".");
  return `${labels.reverse().join(".")}.`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function indexOrEnd(index: number, length: number): number {
  return index < 0 ? length : index;
}

/** Route 53 keeps names lower case and fully qualified, and returns them so; undefined fields are dropped. */
function normaliseRecord(record: ResourceRecordSet): ResourceRecordSet {
  const copy = Object.fromEntries(
    Object.entries(structuredClone(record)).filter(([, value]) => value !== undefined),
  ) as unknown as ResourceRecordSet;
  copy.Name = withDot(record.Name ?? "");
  if (copy.AliasTarget?.DNSName) copy.AliasTarget.DNSName = withDot(copy.AliasTarget.DNSName);
  return copy;
}

function withDot(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower : `${lower}.`;
}

/** Route 53 accepts IDs with or without their resource prefix ("/hostedzone/Z123", "/change/C123"). */
function bareId(id: string): string {
  return id.replace(/^\/?(hostedzone|change)\//, "");
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
