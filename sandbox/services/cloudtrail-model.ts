import { createHash } from "node:crypto";
import {
  type Event,
  InvalidEventCategoryException,
  InvalidLookupAttributesException,
  InvalidMaxResultsException,
  InvalidNextTokenException,
  InvalidTimeRangeException,
  type LookupAttribute,
  type LookupEventsResponse,
  ThrottlingException,
} from "@aws-sdk/client-cloudtrail";
import type { CallRecord } from "../call-history.js";
import type { SandboxEstate } from "../estate.js";
import { DEFAULT_LATENCIES } from "../latencies.js";
import { requestIdFrom, seededRandom } from "../seeded-random.js";
import { errorMetadata, type SandboxCall, type ServiceModel, type TrailResource } from "../service-model.js";

/** A management event as LookupEvents returns it, plus where and when the sandbox delivers it. */
export interface TrailEvent {
  EventId: string;
  EventName: string;
  ReadOnly: "false";
  AccessKeyId: string;
  EventTime: Date;
  EventSource: string;
  Username: string;
  Resources: TrailResource[];
  /** The full record as a JSON string, shaped like the records CloudTrail writes. */
  CloudTrailEvent: string;
  region: string;
  /** When LookupEvents starts returning the event: the call's time plus the delivery delay. */
  deliveredAt: Date;
}

export interface CloudTrailModelOptions {
  /** How long after a call its event becomes visible to LookupEvents. */
  deliveryDelayMs?: number;
  /** The account recorded for principals whose ARN does not name one. */
  accountId?: string;
}

/** CloudTrail delivers an event within about 5 minutes of the call, on average; not guaranteed. */
export const DEFAULT_DELIVERY_DELAY_MS = DEFAULT_LATENCIES.cloudTrailDelivery;
/**
 * "The rate of lookup requests is limited to two per second, per account, per Region. If this limit is
 * exceeded, a throttling error occurs"; 50 results a page at most (CloudTrail API Reference, LookupEvents,
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html). Enforced on the
 * virtual clock: a caller that does not pace itself is refused, one that does waits in modelled time.
 */
const LOOKUPS_PER_SECOND = 2;
const MAX_RESULTS = 50;
/** LookupEvents only reaches back 90 days. */
const LOOKBACK_MS = 90 * 24 * 60 * 60 * 1_000;
const DEFAULT_ACCOUNT = "111122223333";
const ATTRIBUTE_KEYS: Record<string, (event: TrailEvent) => string | string[]> = {
  EventId: (event) => event.EventId,
  EventName: (event) => event.EventName,
  ReadOnly: (event) => event.ReadOnly,
  Username: (event) => event.Username,
  ResourceType: (event) => event.Resources.map((resource) => resource.ResourceType),
  ResourceName: (event) => event.Resources.map((resource) => resource.ResourceName),
  EventSource: (event) => event.EventSource,
  AccessKeyId: (event) => event.AccessKeyId,
};

interface Recorded {
  event: TrailEvent;
  /** Order of recording: breaks ties between events of the same millisecond, so paging is total. */
  seq: number;
}

/** Where a page ended, for the query that produced it. */
interface PageCursor {
  query: string;
  eventTime: number;
  seq: number;
}

interface Identity {
  type: "AssumedRole" | "IAMUser" | "Root" | "Unknown";
  account: string;
  username: string;
  accessKeyId: string;
  principalId: string;
  roleName?: string;
  roleId?: string;
}

/**
 * CloudTrail as the independent witness: every mutating call the sandbox answers or refuses, kirikae's or
 * anyone else's, becomes a management event in the region it was made in, visible to LookupEvents only
 * after the delivery delay, and LookupEvents keeps AWS's limits (one attribute, 50 a page, 2 calls/s).
 */
export class CloudTrailModel implements ServiceModel {
  readonly service = "cloudtrail" as const;
  readonly eventSource = "cloudtrail.amazonaws.com";
  private readonly recorded: Recorded[] = [];
  private readonly lookups = new Map<string, number[]>();
  private readonly cursors = new Map<string, PageCursor>();
  private readonly deliveryDelayMs: number;
  private readonly accountId: string;
  // A stream of its own, so recording events never shifts which calls the estate's injected faults hit.
  private readonly random = seededRandom(0x7a11);

  constructor(
    private readonly estate: SandboxEstate,
    options: CloudTrailModelOptions = {},
  ) {
    this.deliveryDelayMs = options.deliveryDelayMs ?? DEFAULT_DELIVERY_DELAY_MS;
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT;
    estate.onCall((call, record, model) => {
      if (record.mutating && reachedAws(record)) this.record(call, record, model);
    });
  }

  isMutating(): boolean {
    return false;
  }

  resourcesOf(): TrailResource[] {
    return [];
  }

  handle(call: SandboxCall): Record<string, unknown> {
    if (call.operation !== "LookupEvents") {
      throw new Error(`the sandbox does not model cloudtrail:${call.operation}`);
    }
    return { ...this.lookupEvents(call) };
  }

  /** Every recorded event of a region, delivered or not, oldest first. */
  events(region: string): TrailEvent[] {
    return this.recorded.filter(({ event }) => event.region === region).map(({ event }) => event);
  }

  /** How many of a region's events CloudTrail has recorded but not yet delivered. */
  pendingCount(region: string): number {
    const now = this.estate.clock.now();
    return this.events(region).filter((event) => event.deliveredAt > now).length;
  }

  private record(call: SandboxCall, record: CallRecord, model: ServiceModel): void {
    const eventId = requestIdFrom(this.random);
    const identity = identityOf(call.principal, this.accountId);
    const eventTime = secondsIso(call.at);
    const detail = {
      eventVersion: "1.09",
      userIdentity: {
        type: identity.type,
        principalId: identity.principalId,
        arn: call.principal,
        accountId: identity.account,
        accessKeyId: identity.accessKeyId,
        ...(identity.type === "AssumedRole"
          ? {
              sessionContext: {
                sessionIssuer: {
                  type: "Role",
                  principalId: identity.roleId,
                  arn: `arn:aws:iam::${identity.account}:role/${identity.roleName ?? ""}`,
                  accountId: identity.account,
                  userName: identity.roleName,
                },
                attributes: { creationDate: eventTime, mfaAuthenticated: "false" },
              },
            }
          : identity.type === "IAMUser"
            ? { userName: identity.username }
            : {}),
      },
      eventTime,
      eventSource: model.eventSource,
      eventName: call.operation,
      awsRegion: call.region,
      sourceIPAddress: "198.51.100.10",
      userAgent: "aws-sdk-js/3 kirikae-sandbox",
      ...(record.error === undefined
        ? {}
        : { errorCode: record.error, errorMessage: `${call.operation} failed: ${record.error}` }),
      requestParameters: cloudTrailCase(call.input),
      responseElements: null,
      requestID: call.requestId,
      eventID: eventId,
      readOnly: false,
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: identity.account,
      eventCategory: "Management",
    };
    this.recorded.push({
      seq: this.recorded.length,
      event: {
        EventId: eventId,
        EventName: call.operation,
        ReadOnly: "false",
        AccessKeyId: identity.accessKeyId,
        EventTime: call.at,
        EventSource: model.eventSource,
        Username: identity.username,
        Resources: model.resourcesOf(call),
        CloudTrailEvent: JSON.stringify(detail),
        region: call.region,
        deliveredAt: new Date(call.at.getTime() + this.deliveryDelayMs),
      },
    });
  }

  private lookupEvents(call: SandboxCall): LookupEventsResponse {
    this.throttle(call);
    const attributes = (call.input.LookupAttributes ?? []) as LookupAttribute[];
    if (attributes.length > 1) {
      throw new InvalidLookupAttributesException({
        message: "You can specify only one lookup attribute per request.",
        $metadata: errorMetadata(call),
      });
    }
    const [attribute] = attributes;
    const read = attribute ? ATTRIBUTE_KEYS[String(attribute.AttributeKey)] : undefined;
    if (attribute && (!read || !attribute.AttributeValue)) {
      throw new InvalidLookupAttributesException({
        message: read
          ? `Lookup attribute ${attribute.AttributeKey} needs a value.`
          : `Invalid lookup attribute key: ${String(attribute.AttributeKey)}`,
        $metadata: errorMetadata(call),
      });
    }
    const category = call.input.EventCategory;
    if (category !== undefined && category !== "insight") {
      throw new InvalidEventCategoryException({
        message: `Invalid event category: ${String(category)}`,
        $metadata: errorMetadata(call),
      });
    }
    const start = call.input.StartTime instanceof Date ? call.input.StartTime : undefined;
    const end = call.input.EndTime instanceof Date ? call.input.EndTime : undefined;
    if (start && end && start > end) {
      throw new InvalidTimeRangeException({
        message: "Start time must be earlier than end time.",
        $metadata: errorMetadata(call),
      });
    }
    const maxResults = call.input.MaxResults === undefined ? MAX_RESULTS : Number(call.input.MaxResults);
    if (!(Number.isInteger(maxResults) && maxResults >= 1 && maxResults <= MAX_RESULTS)) {
      throw new InvalidMaxResultsException({
        message: `MaxResults must be between 1 and ${MAX_RESULTS}.`,
        $metadata: errorMetadata(call),
      });
    }
    const query = JSON.stringify([
      accountOf(call.principal) ?? this.accountId,
      call.region,
      attribute?.AttributeKey ?? null,
      attribute?.AttributeValue ?? null,
      start?.getTime() ?? null,
      end?.getTime() ?? null,
      category ?? null,
    ]);
    const cursor = this.cursorFrom(call, query);

    // This model records management events only; an Insights lookup finds none.
    if (category === "insight") return { Events: [] };
    const now = this.estate.clock.now().getTime();
    const matching = this.recorded
      .filter(({ event }) => event.region === call.region && event.deliveredAt.getTime() <= now)
      .filter(({ event }) => event.EventTime.getTime() >= now - LOOKBACK_MS)
      .filter(({ event }) => (!start || event.EventTime >= start) && (!end || event.EventTime <= end))
      .filter(({ event }) => {
        if (!attribute || !read) return true;
        const value = read(event);
        return Array.isArray(value)
          ? value.includes(attribute.AttributeValue ?? "")
          : value === attribute.AttributeValue;
      })
      .sort((a, b) => b.event.EventTime.getTime() - a.event.EventTime.getTime() || b.seq - a.seq)
      // Resuming after the last event returned, rather than at an offset, keeps events delivered between
      // pages from shifting the rest: no event is skipped or returned twice.
      .filter((entry) => !cursor || isAfter(entry, cursor));
    const page = matching.slice(0, maxResults);
    const last = page.at(-1);
    return {
      Events: page.map(({ event }) => toSdkEvent(event)),
      ...(last && matching.length > maxResults
        ? { NextToken: this.issueToken({ query, eventTime: last.event.EventTime.getTime(), seq: last.seq }) }
        : {}),
    };
  }

  /** Tokens are opaque and only good for the query that produced them, as with AWS. */
  private cursorFrom(call: SandboxCall, query: string): PageCursor | undefined {
    const token = call.input.NextToken;
    if (token === undefined) return undefined;
    const cursor = typeof token === "string" ? this.cursors.get(token) : undefined;
    if (!cursor || cursor.query !== query) {
      throw new InvalidNextTokenException({
        message: "Invalid NextToken: it is unknown, or was issued for a request with other parameters.",
        $metadata: errorMetadata(call),
      });
    }
    return cursor;
  }

  private issueToken(cursor: PageCursor): string {
    const bytes = Buffer.from(Array.from({ length: 24 }, () => Math.floor(this.random() * 256)));
    const token = bytes.toString("base64url");
    this.cursors.set(token, cursor);
    return token;
  }

  /**
   * A third LookupEvents within one second (virtual time) from the same account and region is refused
   * the way CloudTrail refuses it: ThrottlingException, HTTP 400. Refused calls use no capacity.
   */
  private throttle(call: SandboxCall): void {
    const key = `${accountOf(call.principal) ?? this.accountId}/${call.region}`;
    const now = call.at.getTime();
    const recent = (this.lookups.get(key) ?? []).filter((at) => now - at < 1_000);
    if (recent.length >= LOOKUPS_PER_SECOND) {
      this.lookups.set(key, recent);
      throw new ThrottlingException({ message: "Rate exceeded", $metadata: errorMetadata(call, 400) });
    }
    this.lookups.set(key, [...recent, now]);
  }
}

/** A call that timed out connecting to a region that is down never reached AWS, so nothing records it. */
function reachedAws(record: CallRecord): boolean {
  return record.error !== "TimeoutError";
}

function isAfter(entry: Recorded, cursor: PageCursor): boolean {
  const time = entry.event.EventTime.getTime();
  return time < cursor.eventTime || (time === cursor.eventTime && entry.seq < cursor.seq);
}

function toSdkEvent(event: TrailEvent): Event {
  return {
    EventId: event.EventId,
    EventName: event.EventName,
    ReadOnly: event.ReadOnly,
    AccessKeyId: event.AccessKeyId,
    EventTime: new Date(event.EventTime),
    EventSource: event.EventSource,
    Username: event.Username,
    Resources: event.Resources.map((resource) => ({ ...resource })),
    CloudTrailEvent: event.CloudTrailEvent,
  };
}

/**
 * Who CloudTrail says made a call, from the principal's ARN. An assumed role's user name is its session
 * name; IDs and access keys are derived from the ARN so one principal keeps the same ones across calls.
 */
function identityOf(principal: string, fallbackAccount: string): Identity {
  const account = accountOf(principal) ?? fallbackAccount;
  const resource = principal.split(":").slice(5).join(":");
  const username = principal.split("/").pop() ?? principal;
  if (resource.startsWith("assumed-role/")) {
    const roleName = resource.split("/")[1] ?? "";
    const roleId = `AROA${idFrom(`role:${account}:${roleName}`, 17)}`;
    return {
      type: "AssumedRole",
      account,
      username,
      accessKeyId: `ASIA${idFrom(`key:${principal}`, 16)}`,
      principalId: `${roleId}:${username}`,
      roleName,
      roleId,
    };
  }
  if (resource === "root") {
    return {
      type: "Root",
      account,
      username: "root",
      accessKeyId: `AKIA${idFrom(`key:${principal}`, 16)}`,
      principalId: account,
    };
  }
  return {
    type: resource.startsWith("user/") ? "IAMUser" : "Unknown",
    account,
    username,
    accessKeyId: `AKIA${idFrom(`key:${principal}`, 16)}`,
    principalId: `AIDA${idFrom(`user:${principal}`, 17)}`,
  };
}

/** Characters of AWS's unique IDs and access key IDs (base32). */
const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function idFrom(seed: string, length: number): string {
  const digest = createHash("sha256").update(seed).digest();
  return Array.from(digest.subarray(0, length), (byte) => ID_ALPHABET[byte % 32]).join("");
}

function accountOf(principal: string): string | undefined {
  const account = principal.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/** CloudTrail stamps records to the second. */
function secondsIso(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Request parameters as CloudTrail writes them: member names start lower-case ("dBClusterIdentifier",
 * "hostedZoneId"), whatever casing the SDK's input uses, so code reading them works against real records.
 */
function cloudTrailCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloudTrailCase);
  if (value instanceof Date) return secondsIso(value);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .map(([key, member]) => [key.charAt(0).toLowerCase() + key.slice(1), cloudTrailCase(member)]),
  );
}
