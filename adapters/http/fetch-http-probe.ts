import type { HttpAnswer, HttpProbePort } from "../../core/ports/http-probe.js";

/** More of a body than a probe compares or the audit trail should keep is read no further. */
export const MAX_PROBE_BODY_BYTES = 64 * 1024;

export interface FetchHttpProbeOptions {
  /** The fetch to use; the runtime's global one by default (tests hand in their own). */
  fetch?: typeof globalThis.fetch;
  maxBodyBytes?: number;
}

/**
 * HTTP GETs over the runtime's fetch, resolved through the system resolver as any user's would be, so the
 * answer is what users see now. Whatever goes wrong on the way is an answer, not a failure: no answer
 * within the timeout, a name that does not resolve, a refused connection or a bad certificate come back
 * as status 0 with the error named in the body, since the probe step compares what it saw with what the
 * plan expects and reports the difference. Redirects are followed, as a browser follows them.
 */
export class FetchHttpProbe implements HttpProbePort {
  private readonly fetch: typeof globalThis.fetch;
  private readonly maxBodyBytes: number;

  constructor(options: FetchHttpProbeOptions = {}) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_PROBE_BODY_BYTES;
  }

  async get(url: string, timeoutMs: number): Promise<HttpAnswer> {
    try {
      // One signal for headers and body alike: a server that sends headers and then stalls is no answer.
      const response = await this.fetch(url, {
        method: "GET",
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: "application/json, text/plain;q=0.9, */*;q=0.8" },
      });
      return { status: response.status, body: await readCapped(response, this.maxBodyBytes) };
    } catch (error) {
      return { status: 0, body: describeFailure(error, timeoutMs) };
    }
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < maxBytes) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  // The rest is not wanted; cancelling frees the connection instead of draining a large body.
  if (size >= maxBytes) await reader.cancel().catch(() => undefined);
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes));
}

/** fetch hides the system error under `cause` ("fetch failed" { cause: ENOTFOUND ... }): name that one. */
function describeFailure(error: unknown, timeoutMs: number): string {
  const failure = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (failure.name === "TimeoutError" || failure.name === "AbortError") {
    return `TimeoutError: no answer within ${timeoutMs} ms`;
  }
  const cause = failure.cause;
  if (cause?.code) return `${cause.code}: ${cause.message ?? failure.message ?? "request failed"}`;
  return `${failure.name ?? "Error"}: ${cause?.message ?? failure.message ?? String(error)}`;
}
