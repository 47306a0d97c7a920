import { request } from "node:https";

export interface HttpRequest {
  method: "GET" | "PATCH";
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** PEM of the cluster's certificate authority: the API server's certificate is checked against it alone. */
  ca: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/** Requests to an API server over node:https, trusting only the cluster's CA, with a timeout. */
export function httpsTransport(timeoutMs: number): HttpTransport {
  return (outgoing) =>
    new Promise((resolve, reject) => {
      const sent = request(
        outgoing.url,
        { method: outgoing.method, headers: outgoing.headers, ca: outgoing.ca, timeout: timeoutMs },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: Object.fromEntries(
                Object.entries(response.headers).map(([name, value]) => [
                  name,
                  Array.isArray(value) ? value.join(", ") : value,
                ]),
              ),
              body: Buffer.concat(chunks).toString("utf8"),
            }),
          );
          response.on("error", reject);
        },
      );
      sent.on("timeout", () => sent.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      sent.on("error", reject);
      if (outgoing.body !== undefined) sent.write(outgoing.body);
      sent.end();
    });
}
