import { CloudTrailClient, type Event, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import type { Clock } from "../../core/clock.js";
import type { EvidencePort, TrailEvidence } from "../../core/ports/evidence.js";
import { TransientAwsError } from "../../core/workflow/workflow-errors.js";
import { callAws } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/** LookupEvents allows 2 calls per second per account and region; keep under it rather than be throttled. */
const LOOKUP_INTERVAL_MS = 500;
const MAX_RESULTS = 50;
const THROTTLE_RETRIES = 5;

/**
 * CloudTrail's LookupEvents, paged 50 at a time and paced to its rate limit on the injected clock; a
 * throttled call (HTTP 400 ThrottlingException) waits and tries again.
 */
export class CloudTrailEvidence implements EvidencePort {
  private readonly lastCall = new Map<string, number>();

  constructor(
    private readonly clients: ClientProvider,
    private readonly clock: Clock,
  ) {}

  async events(query: {
    region: string;
    start: Date;
    end: Date;
    eventName?: string;
  }): Promise<TrailEvidence[]> {
    const found: TrailEvidence[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const output = await this.lookup(query.region, () =>
        this.clients
          .forRegion(query.region)
          .get(CloudTrailClient)
          .send(
            new LookupEventsCommand({
              StartTime: query.start,
              EndTime: query.end,
              MaxResults: MAX_RESULTS,
              ...(query.eventName
                ? { LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: query.eventName }] }
                : {}),
              ...(token ? { NextToken: token } : {}),
            }),
          ),
      );
      found.push(...(output.Events ?? []).map((event) => toEvidence(event, query.region)));
      nextToken = output.NextToken;
    } while (nextToken);
    return found;
  }

  private async lookup<T>(region: string, send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const wait =
        (this.lastCall.get(region) ?? Number.NEGATIVE_INFINITY) +
        LOOKUP_INTERVAL_MS -
        this.clock.now().getTime();
      if (wait > 0) await this.clock.sleep(wait);
      this.lastCall.set(region, this.clock.now().getTime());
      try {
        return await callAws({ action: "cloudtrail:LookupEvents", resource: region }, send);
      } catch (error) {
        const throttled =
          error instanceof TransientAwsError &&
          (error.cause as { name?: string } | undefined)?.name === "ThrottlingException";
        if (!throttled || attempt >= THROTTLE_RETRIES) throw error;
        await this.clock.sleep(1_000 * 2 ** attempt);
      }
    }
  }
}

function toEvidence(event: Event, region: string): TrailEvidence {
  const record = parseRecord(event.CloudTrailEvent);
  const identity = record.userIdentity as { arn?: unknown } | undefined;
  return {
    eventId: event.EventId ?? String(record.eventID ?? ""),
    eventName: event.EventName ?? String(record.eventName ?? ""),
    eventTime: (event.EventTime ?? new Date(String(record.eventTime ?? 0))).toISOString(),
    region,
    readOnly: event.ReadOnly === "true",
    ...(typeof record.requestID === "string" ? { requestId: record.requestID } : {}),
    ...(typeof identity?.arn === "string" ? { userIdentityArn: identity.arn } : {}),
    ...(typeof record.errorCode === "string" ? { errorCode: record.errorCode } : {}),
    ...(record.requestParameters && typeof record.requestParameters === "object"
      ? { requestParameters: record.requestParameters as Record<string, unknown> }
      : {}),
  };
}

function parseRecord(text: string | undefined): Record<string, unknown> {
  try {
    return JSON.parse(text ?? "{}") as Record<string, unknown>;
  } catch {
    return {};
  }
}
