import { describe, expect, it } from "vitest";
import { eksBearerToken, TOKEN_PREFIX } from "../../adapters/k8s/eks-token.js";
import type { HttpRequest, HttpResponse } from "../../adapters/k8s/https-transport.js";
import { KubernetesApi } from "../../adapters/k8s/kubernetes-api.js";

const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};

describe("EKS bearer token, as aws-iam-authenticator makes it", () => {
  it("is k8s-aws-v1. and an unpadded base64url presigned STS GetCallerIdentity URL signing x-k8s-aws-id", async () => {
    const token = await eksBearerToken({
      clusterName: "shop-singapore",
      region: "ap-southeast-1",
      credentials,
      signingDate: new Date("2026-01-01T00:00:00Z"),
    });

    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    const encoded = token.slice(TOKEN_PREFIX.length);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    const url = new URL(Buffer.from(encoded, "base64url").toString());
    expect(url.origin).toBe("https://sts.ap-southeast-1.amazonaws.com");
    expect(url.searchParams.get("Action")).toBe("GetCallerIdentity");
    expect(url.searchParams.get("Version")).toBe("2011-06-15");
    expect(url.searchParams.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("60");
    expect(url.searchParams.get("X-Amz-Credential")).toBe(
      "AKIDEXAMPLE/20260101/ap-southeast-1/sts/aws4_request",
    );
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("host;x-k8s-aws-id");
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("differs per cluster, so a token for one cluster is no token for another", async () => {
    const at = new Date("2026-01-01T00:00:00Z");
    const one = await eksBearerToken({ clusterName: "a", region: "us-west-2", credentials, signingDate: at });
    const other = await eksBearerToken({
      clusterName: "b",
      region: "us-west-2",
      credentials,
      signingDate: at,
    });

    expect(one).not.toBe(other);
  });
});

function fakeCluster(answer: (request: HttpRequest) => HttpResponse) {
  const sent: HttpRequest[] = [];
  let described = 0;
  const api = new KubernetesApi({
    region: "us-west-2",
    clusterName: "orders-oregon",
    describe: async () => {
      described += 1;
      return {
        endpoint: "https://ABC.gr7.us-west-2.eks.amazonaws.com",
        certificateAuthorityData: Buffer.from(
          "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n",
        ).toString("base64"),
      };
    },
    token: async () => "k8s-aws-v1.token",
    transport: async (request) => {
      sent.push(request);
      return answer(request);
    },
  });
  return { api, sent, described: () => described };
}

const ok = (body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status: 200,
  headers,
  body: JSON.stringify(body),
});

describe("the Kubernetes API adapter, over a fake transport", () => {
  it("counts only Ready nodes, asking for the nodegroup's label, with the token and the cluster's CA", async () => {
    const { api, sent } = fakeCluster(() =>
      ok({
        items: [
          { status: { conditions: [{ type: "Ready", status: "True" }] } },
          { status: { conditions: [{ type: "Ready", status: "False" }] } },
          {
            status: {
              conditions: [
                { type: "MemoryPressure", status: "False" },
                { type: "Ready", status: "True" },
              ],
            },
          },
          { status: {} },
        ],
      }),
    );

    const ready = await api.readyNodes("api");

    expect(ready).toBe(2);
    expect(sent[0]).toMatchObject({
      method: "GET",
      url: "https://ABC.gr7.us-west-2.eks.amazonaws.com/api/v1/nodes?labelSelector=eks.amazonaws.com%2Fnodegroup%3Dapi",
      headers: { authorization: "Bearer k8s-aws-v1.token" },
      ca: "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n",
    });
  });

  it("reads a Deployment's replicas and Ready pods, undefined when it does not exist", async () => {
    const { api, described } = fakeCluster((request) =>
      request.url.endsWith("/orders-api")
        ? ok({ spec: { replicas: 6 }, status: { readyReplicas: 4 } })
        : { status: 404, headers: {}, body: "{}" },
    );

    expect(await api.deployment("orders", "orders-api")).toEqual({ replicas: 6, readyReplicas: 4 });
    expect(await api.deployment("orders", "missing")).toBeUndefined();
    expect(described()).toBe(1);
  });

  it("scales through the scale subresource with a merge patch and returns the API server's Audit-Id", async () => {
    const { api, sent } = fakeCluster(() => ok({}, { "audit-id": "8f1c-audit" }));

    const receipt = await api.scaleDeployment("orders", "orders-api", 12);

    expect(receipt.requestId).toBe("8f1c-audit");
    expect(sent[0]).toMatchObject({
      method: "PATCH",
      url: "https://ABC.gr7.us-west-2.eks.amazonaws.com/apis/apps/v1/namespaces/orders/deployments/orders-api/scale",
      headers: { "content-type": "application/merge-patch+json" },
      body: JSON.stringify({ spec: { replicas: 12 } }),
    });
  });

  it("names the missing access entry when the API server refuses the task role", async () => {
    const { api } = fakeCluster(() => ({ status: 403, headers: {}, body: "{}" }));

    await expect(api.readyNodes("api")).rejects.toMatchObject({
      name: "KubernetesApiError",
      message: expect.stringContaining("no access entry"),
    });
  });
});
