/** What one HTTP GET answered. */
export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * HTTP GETs from the control plane's region, the way a user would reach the application: through DNS as
 * the zone answers it. A connection failure or timeout is an answer too (status 0, body names the error),
 * since a probe's job is to report what users see, not to fail the step.
 */
export interface HttpProbePort {
  get(url: string, timeoutMs: number): Promise<HttpAnswer>;
}
