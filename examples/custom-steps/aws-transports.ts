import { createHash, createHmac } from "node:crypto";
import { request } from "node:https";
import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, Checksum } from "@smithy/types";
import { eksBearerToken } from "../../adapters/k8s/eks-token.js";
import type { SearchHttp } from "./elasticsearch-restore.js";
import { CustomStepApiError } from "./step-event.js";
import type { KubernetesJson } from "./velero-restore.js";

/** An API server or search domain that does not answer in this long is treated as unreachable. */
export const TRANSPORT_TIMEOUT_MS = 10_000;

/**
 * The Kubernetes API of EKS clusters, as the seed Lambdas reach it in production: endpoint and CA from
 * eks:DescribeCluster in the cluster's region, a bearer token presigned with the function's own
 * credentials (adapters/k8s/eks-token.ts), HTTPS that trusts only the cluster's CA. The function's role
 * needs an EKS access entry on the cluster (README in this folder).
 */
export function eksKubernetesJson(): (region: string, clusterName: string) => KubernetesJson {
  const eks = new Map<string, EKSClient>();
  const access = new Map<string, Promise<{ endpoint: string; ca: string }>>();
  return (region, clusterName) => {
    let client = eks.get(region);
    if (!client) {
      client = new EKSClient({ region });
      eks.set(region, client);
    }
    const regional = client;
    const describe = () => {
      const key = `${region}/${clusterName}`;
      let found = access.get(key);
      if (!found) {
        found = regional.send(new DescribeClusterCommand({ name: clusterName })).then((output) => ({
          endpoint: output.cluster?.endpoint ?? "",
          ca: Buffer.from(output.cluster?.certificateAuthority?.data ?? "", "base64").toString("utf8"),
        }));
        // A failed lookup is not kept: the next call asks again.
        found.catch(() => access.delete(key));
        access.set(key, found);
      }
      return found;
    };
    return {
      async request(method, path, body) {
        const { endpoint, ca } = await describe();
        const token = await eksBearerToken({ clusterName, region, credentials: regional.config.credentials });
        const response = await httpsJson(`${endpoint.replace(/\/$/, "")}${path}`, {
          method,
          ca,
          headers: { authorization: `Bearer ${token}` },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return response;
      },
    };
  };
}

/**
 * An Amazon OpenSearch Service (or Elasticsearch) domain's REST API, each request signed with SigV4 for
 * service "es" in the domain's region (from its endpoint's name), with the credentials Lambda gives the
 * function in its environment. The domain's access policy must allow the function's role (README).
 */
export function signedSearchHttp(env: NodeJS.ProcessEnv = process.env): SearchHttp {
  const credentials = (): AwsCredentialIdentity => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new CustomStepApiError("no AWS credentials in the function's environment", {
        action: "run this function in Lambda, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
      });
    }
    return {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  };
  return {
    async request(method, url, body) {
      const target = new URL(url);
      const region = /\.([a-z]{2}(?:-[a-z]+)+-\d)\.es\.amazonaws\.com$/.exec(target.hostname)?.[1];
      if (!region) {
        throw new CustomStepApiError(
          `${target.hostname} is not an Amazon OpenSearch Service domain endpoint`,
        );
      }
      const text = body === undefined ? undefined : JSON.stringify(body);
      const signer = new SignatureV4({
        service: "es",
        region,
        credentials: credentials(),
        sha256: NodeSha256,
      });
      const signed = await signer.sign({
        method,
        protocol: "https:",
        hostname: target.hostname,
        path: target.pathname,
        query: Object.fromEntries(target.searchParams),
        headers: {
          host: target.hostname,
          ...(text === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(text === undefined ? {} : { body: text }),
      });
      const response = await fetch(url, {
        method,
        headers: signed.headers,
        signal: AbortSignal.timeout(TRANSPORT_TIMEOUT_MS),
        ...(text === undefined ? {} : { body: text }),
      });
      const raw = await response.text();
      return { status: response.status, body: parseJson(raw) };
    },
  };
}

/** A JSON request over node:https trusting only `ca`, with the transport timeout. */
function httpsJson(
  url: string,
  options: { method: string; ca: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        method: options.method,
        ca: options.ca,
        timeout: TRANSPORT_TIMEOUT_MS,
        headers: {
          accept: "application/json",
          ...options.headers,
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            body: parseJson(Buffer.concat(chunks).toString("utf8")),
          }),
        );
        response.on("error", reject);
      },
    );
    sent.on("timeout", () => sent.destroy(new Error(`no answer within ${TRANSPORT_TIMEOUT_MS} ms`)));
    sent.on("error", reject);
    if (options.body !== undefined) sent.write(options.body);
    sent.end();
  });
}

/** Error answers are not always JSON (a proxy's HTML page); keep their text then. */
function parseJson(text: string): unknown {
  if (text === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 500) };
  }
}

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the signer takes. */
class NodeSha256 implements Checksum {
  private readonly hash;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash =
      secret === undefined
        ? createHash("sha256")
        : createHmac(
            "sha256",
            typeof secret === "string"
              ? Buffer.from(secret, "utf8")
              : ArrayBuffer.isView(secret)
                ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength)
                : Buffer.from(secret),
          );
  }

  update(data: Uint8Array | string): void {
    this.hash.update(typeof data === "string" ? Buffer.from(data, "utf8") : data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    throw new Error("a signing hash is used once");
  }
}
