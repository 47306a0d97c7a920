import { KirikaeError, type KirikaeErrorOptions } from "../../core/errors.js";

/**
 * The zone's authoritative name servers could not be found or did not answer (timeout, SERVFAIL,
 * refused). Not "the name has no record": that is an empty answer. A confirmation that meets this error
 * has learnt nothing about where users go, so it polls again rather than conclude.
 */
export class DnsAnswerError extends KirikaeError {
  constructor(message: string, options: KirikaeErrorOptions = {}) {
    super(message, {
      action:
        "check that the function can reach DNS (UDP and TCP port 53) and that the zone is delegated to Route 53's name servers",
      ...options,
    });
    this.name = "DnsAnswerError";
  }
}
