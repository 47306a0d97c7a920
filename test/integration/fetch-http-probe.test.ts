import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FetchHttpProbe } from "../../adapters/http/fetch-http-probe.js";

const servers: Server[] = [];

/** A local HTTP server answering every request with `answer`; returns its base URL. */
async function serve(answer: (respond: (status: number, body: string) => void) => void): Promise<string> {
  const server = createServer((_request, response) =>
    answer((status, body) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(body);
    }),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nothing listens on: one a server had, then gave back. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe("HTTP probe over fetch (what users see, failures included)", () => {
  it("answers the status and body the application sent", async () => {
    const url = await serve((respond) => respond(200, '{"region":"ap-southeast-1","writable":true}'));

    const answer = await new FetchHttpProbe().get(`${url}/health`, 2_000);

    expect(answer).toEqual({ status: 200, body: '{"region":"ap-southeast-1","writable":true}' });
  });

  it("passes an error status through as an answer, not a failure", async () => {
    const url = await serve((respond) => respond(503, '{"writable":false}'));

    expect(await new FetchHttpProbe().get(url, 2_000)).toEqual({ status: 503, body: '{"writable":false}' });
  });

  it("answers status 0 naming the timeout when the server does not answer in time", async () => {
    const url = await serve(() => undefined);

    const answer = await new FetchHttpProbe().get(url, 200);

    expect(answer).toEqual({ status: 0, body: "TimeoutError: no answer within 200 ms" });
  });

  it("answers status 0 naming the system error when the connection is refused", async () => {
    const url = await closedPort();

    const answer = await new FetchHttpProbe().get(url, 2_000);

    expect(answer.status).toBe(0);
    expect(answer.body).toMatch(/^ECONNREFUSED: /);
  });

  it("answers status 0 naming the error when the name does not resolve", async () => {
    const failing: typeof fetch = async () => {
      throw Object.assign(new TypeError("fetch failed"), {
        cause: Object.assign(new Error("getaddrinfo ENOTFOUND app.example.invalid"), { code: "ENOTFOUND" }),
      });
    };

    const answer = await new FetchHttpProbe({ fetch: failing }).get("https://app.example.invalid/", 2_000);

    expect(answer).toEqual({ status: 0, body: "ENOTFOUND: getaddrinfo ENOTFOUND app.example.invalid" });
  });

  it("reads no more of a body than it keeps", async () => {
    const url = await serve((respond) => respond(200, "x".repeat(100_000)));

    const answer = await new FetchHttpProbe({ maxBodyBytes: 1_024 }).get(url, 2_000);

    expect(answer.status).toBe(200);
    expect(answer.body).toHaveLength(1_024);
  });
});
