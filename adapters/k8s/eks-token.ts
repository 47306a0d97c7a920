import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, Checksum, Provider } from "@smithy/types";

/** The header that binds a token to one cluster, so a token for one cluster is refused by another. */
export const CLUSTER_ID_HEADER = "x-k8s-aws-id";
export const TOKEN_PREFIX = "k8s-aws-v1.";
/** aws-iam-authenticator presigns for 60 s; EKS accepts the token for about 15 minutes after signing. */
const PRESIGN_SECONDS = 60;

/**
 * A bearer token for an EKS cluster's Kubernetes API, made as aws-iam-authenticator (and `aws eks
 * get-token`) make it: an STS GetCallerIdentity request presigned with SigV4, the `x-k8s-aws-id` header
 * (the cluster's name) signed into it, sent as "k8s-aws-v1." + the URL in unpadded base64url. EKS
 * calls the URL to learn the caller's IAM identity and maps it through the cluster's access entries
 * (Amazon EKS user guide, "Grant IAM users access to Kubernetes with EKS access entries",
 * https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html; aws-iam-authenticator README,
 * "API Authorization from Outside a Cluster"). Nothing is sent anywhere here: presigning is local.
 */
export async function eksBearerToken(options: {
  clusterName: string;
  /** The cluster's region: the regional STS endpoint there is the one presigned. */
  region: string;
  credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
  signingDate?: Date;
}): Promise<string> {
  const hostname = `sts.${options.region}.amazonaws.com`;
  const signer = new SignatureV4({
    service: "sts",
    region: options.region,
    credentials: options.credentials,
    sha256: NodeSha256,
  });
  const presigned = await signer.presign(
    {
      method: "GET",
      protocol: "https:",
      hostname,
      path: "/",
      query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
      headers: { host: hostname, [CLUSTER_ID_HEADER]: options.clusterName },
    },
    {
      expiresIn: PRESIGN_SECONDS,
      unhoistableHeaders: new Set([CLUSTER_ID_HEADER]),
      ...(options.signingDate ? { signingDate: options.signingDate } : {}),
    },
  );
  const query = Object.entries(presigned.query ?? {})
    .flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map(
        (one) => `${encodeURIComponent(name)}=${encodeURIComponent(String(one))}`,
      ),
    )
    .join("&");
  const url = `https://${hostname}/?${query}`;
  return TOKEN_PREFIX + Buffer.from(url).toString("base64url");
}

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the signer takes. */
class NodeSha256 implements Checksum {
  private readonly hash;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(secret));
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

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}
