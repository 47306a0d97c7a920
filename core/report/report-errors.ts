import { KirikaeError } from "../errors.js";

/** Base of what can stop a report from being written: the report area's errors. */
export class ReportError extends KirikaeError {
  constructor(message: string, options: ConstructorParameters<typeof KirikaeError>[1] = {}) {
    super(message, options);
    this.name = "ReportError";
  }
}

/** A `--tz` the platform's time-zone database does not know. */
export class UnknownTimeZone extends ReportError {
  constructor(
    readonly zone: string,
    options: { cause?: unknown } = {},
  ) {
    super(`"${zone}" is not a time zone this system knows`, {
      ...options,
      action: "give an IANA time-zone name such as Asia/Tokyo, America/New_York or UTC",
    });
    this.name = "UnknownTimeZone";
  }
}
