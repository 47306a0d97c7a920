import {
  InvalidLookupAttributesException,
  InvalidMaxResultsException,
  InvalidNextTokenException,
  InvalidTimeRangeException,
} from "@aws-sdk/client-cloudtrail";
import type { CallRecord } from "../call-history.js";
import { type SandboxEstate, serviceError } from "../estate.js";
import { requestIdFrom } from "../seeded-random.js";
import { errorMetadata, type SandboxCall, type ServiceModel, type TrailResource } from "../service-model.js";

export interface TrailEvent {
  EventId: string;
  EventName: string;
  ReadOnly: "false";
  AccessKeyId: string;
  EventTime: Date;
  EventSource: string;
  Username: string;
  Resources: TrailResource[];
  CloudTrailEvent: string;
  region: string;
  deliveredAt: Date;
}

/** CloudTrail delivers an event within about 5 minutes of the call, on average; not guaranteed. */
export const DEFAULT_DELIVERY_DELAY_MS = 300_000;
/** LookupEvents allows 2 requests per second per account per region. */
const LOOKUPS_PER_SECOND = 2;
const MAX_RESULTS = 50;
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

/**
 * CloudTrail as the independent witness: every mutating call the sandbox answers, kirikae's or anyone
 * else's, becomes a management event in the region it was made in, visible to LookupEvents only after
 * the delivery delay, and LookupEvents keeps AWS's limits (one attribute, 50 a page, 2 calls/s).
 */
export class CloudTrailModel implements ServiceModel {
  readonly service = "cloudtrail" as const;
  readonly eventSource = "cloudtrail.amazonaws.com";
  private readonly recorded: TrailEvent[] = [];
  private readonly lookups = new Map<string, number[]>();
  private readonly deliveryDelayMs: number;
  private readonly accountId: string;

  constructor(
    private readonly estate: SandboxEstate,
    options: { deliveryDelayMs?: number; accountId?: string } = {},
  ) {
    this.deliveryDelayMs = options.deliveryDelayMs ?? DEFAULT_DELIVERY_DELAY_MS;
    this.accountId = options.accountId ?? "111122223333";
    estate.onCall((call, record, model) => {
      if (record.mutating) this.record(call, record, model);
    });
  }

  isMutating(): boolean {
    return false;
  }

  resourcesOf(): TrailResource[] {
    return [];
  }

  handle(call: SandboxCall): Record<string, unknown> {
    if (call.operation !== "LookupEvents")
      throw new Error(`the sandbox does not model cloudtrail:${call.operation}`);
    return this.lookupEvents(call);
  }

  /** Every recorded event of a region, delivered or not. */
  events(region: string): TrailEvent[] {
    return this.recorded.filter((event) => event.region === region);
  }

  pendingCount(region: string): number {
    const now = this.estate.clock.now();
    return this.events(region).filter((event) => event.deliveredAt > now).length;
  }

  private record(call: SandboxCall, record: CallRecord, model: ServiceModel): void {
    const eventId = requestIdFrom(this.estate.random);
    const account = accountOf(call.principal) ?? this.accountId;
    const accessKeyId = `ASIA${eventId.replace(/-/g, "").slice(0, 16).toUpperCase()}`;
    const assumedRole = call.principal.includes(":assumed-role/");
    const username = call.principal.split("/").pop() ?? call.principal;
    const detail = {
      eventVersion: "1.09",
      userIdentity: {
        type: assumedRole ? "AssumedRole" : "IAMUser",
        principalId: `AROA${account}:${username}`,
        arn: call.principal,
        accountId: account,
        accessKeyId,
        ...(assumedRole
          ? {
              sessionContext: {
                sessionIssuer: {
                  type: "Role",
                  arn: `arn:aws:iam::${account}:role/${call.principal.split("/")[1] ?? ""}`,
                  accountId: account,
                  userName: call.principal.split("/")[1] ?? "",
                },
                attributes: { creationDate: call.at.toISOString(), mfaAuthenticated: "false" },
              },
            }
          : { userName: username }),
      },
      eventTime: call.at.toISOString(),
      eventSource: model.eventSource,
      eventName: call.operation,
      awsRegion: call.region,
      sourceIPAddress: "198.51.100.10",
      userAgent: "aws-sdk-js/3 kirikae-sandbox",
      requestParameters: call.input,
      responseElements: null,
      requestID: call.requestId,
      eventID: eventId,
      readOnly: false,
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: account,
      eventCategory: "Management",
      ...(record.error ? { errorCode: record.error, errorMessage: `${record.error} (sandbox)` } : {}),
    };
    this.recorded.push({
      EventId: eventId,
      EventName: call.operation,
      ReadOnly: "false",
      AccessKeyId: accessKeyId,
      EventTime: call.at,
      EventSource: model.eventSource,
      Username: username,
      Resources: model.resourcesOf(call),
      CloudTrailEvent: JSON.stringify(detail),
      region: call.region,
      deliveredAt: new Date(call.at.getTime() + this.deliveryDelayMs),
    });
  }

  private lookupEvents(call: SandboxCall): Record<string, unknown> {
    this.throttle(call);
    const attributes = (call.input.LookupAttributes ?? []) as Array<{
      AttributeKey?: string;
      AttributeValue?: string;
    }>;
    if (attributes.length > 1) {
      throw new InvalidLookupAttributesException({
        message: "You can specify only one lookup attribute per request.",
        $metadata: errorMetadata(call),
      });
    }
    const [attribute] = attributes;
    const read = attribute ? ATTRIBUTE_KEYS[attribute.AttributeKey ?? ""] : undefined;
    if (attribute && !read) {
      throw new InvalidLookupAttributesException({
        message: `Invalid attribute key: ${String(attribute.AttributeKey)}`,
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
        message: "MaxResults must be between 1 and 50.",
        $metadata: errorMetadata(call),
      });
    }
    const now = this.estate.clock.now();
    const matching = this.events(call.region)
      .filter((event) => event.deliveredAt <= now)
      .filter((event) => (!start || event.EventTime >= start) && (!end || event.EventTime <= end))
      .filter((event) => {
        if (!attribute || !read) return true;
        const value = read(event);
        return Array.isArray(value)
          ? value.includes(attribute.AttributeValue ?? "")
          : value === attribute.AttributeValue;
      })
      .sort((a, b) => b.EventTime.getTime() - a.EventTime.getTime() || b.EventId.localeCompare(a.EventId));
    const query = JSON.stringify({ attribute, start, end });
    const offset = this.offsetFrom(call, query);
    const page = matching.slice(offset, offset + maxResults);
    const more = offset + maxResults < matching.length;
    return {
      Events: page.map(({ region: _region, deliveredAt: _deliveredAt, ...event }) => event),
      ...(more
        ? {
            NextToken: Buffer.from(JSON.stringify({ query, offset: offset + maxResults })).toString("base64"),
          }
        : {}),
    };
  }

  /** A token is only good for the query that produced it, as with AWS. */
  private offsetFrom(call: SandboxCall, query: string): number {
    if (typeof call.input.NextToken !== "string") return 0;
    try {
      const token = JSON.parse(Buffer.from(call.input.NextToken, "base64").toString("utf8")) as {
        query?: string;
        offset?: number;
      };
      if (token.query === query && typeof token.offset === "number") return token.offset;
    } catch {
      // falls through to the error below
    }
    throw new InvalidNextTokenException({ message: "Invalid NextToken.", $metadata: errorMetadata(call) });
  }

  /** CloudTrail answers a third LookupEvents in the same second with a throttling error (HTTP 400). */
  private throttle(call: SandboxCall): void {
    const key = `${accountOf(call.principal) ?? this.accountId}/${call.region}`;
    const now = call.at.getTime();
    const recent = (this.lookups.get(key) ?? []).filter((at) => now - at < 1_000);
    if (recent.length >= LOOKUPS_PER_SECOND) {
      throw serviceError(call, "ThrottlingException", "Rate exceeded", 400);
    }
    this.lookups.set(key, [...recent, now]);
  }
}

function accountOf(principal: string): string | undefined {
  const account = principal.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}
