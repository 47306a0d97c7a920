export interface KirikaeErrorOptions {
  cause?: unknown;
  /** What the person reading the message should do next. */
  action?: string;
  /** The AWS resource the failure concerns (an ARN or identifier). */
  resource?: string;
  /** The AWS request ID of the failed call, for support cases and CloudTrail. */
  requestId?: string;
}

/**
 * Base of every expected failure. `name` is what Step Functions Retry/Catch match on, so subclasses set
 * it explicitly rather than relying on a minifier-safe constructor name.
 */
export class KirikaeError extends Error {
  readonly action: string | undefined;
  readonly resource: string | undefined;
  readonly requestId: string | undefined;

  constructor(message: string, options: KirikaeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "KirikaeError";
    this.action = options.action;
    this.resource = options.resource;
    this.requestId = options.requestId;
  }

  /** The sentence a person sees: what failed, on what, and what to do. */
  describe(): string {
    const parts = [this.message];
    if (this.resource) parts.push(`resource: ${this.resource}`);
    if (this.requestId) parts.push(`AWS request ID: ${this.requestId}`);
    if (this.action) parts.push(`what to do: ${this.action}`);
    return parts.join("\n  ");
  }
}
