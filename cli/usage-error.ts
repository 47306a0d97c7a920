import { KirikaeError } from "../core/errors.js";

/** A command given something it cannot use: said in one line, with what to give instead. */
export class CliUsageError extends KirikaeError {
  constructor(message: string, action: string) {
    super(message, { action });
    this.name = "CliUsageError";
  }
}
