/** A CloudTrail management event, as far as kirikae's audit needs it. */
export interface TrailEvidence {
  eventId: string;
  eventName: string;
  eventTime: string;
  region: string;
  /** The request ID of the call: what links the event to kirikae's record of the same call. */
  requestId?: string;
  /** The IAM identity that made the call. */
  userIdentityArn?: string;
  readOnly: boolean;
  errorCode?: string;
  requestParameters?: Record<string, unknown>;
}

/** CloudTrail, the independent witness, read with LookupEvents (never CloudTrail Lake). */
export interface EvidencePort {
  events(query: { region: string; start: Date; end: Date; eventName?: string }): Promise<TrailEvidence[]>;
}
