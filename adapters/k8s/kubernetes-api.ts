import type { MutationReceipt } from "../../core/ports/global-database.js";
import {
  type DeploymentState,
  KubernetesApiError,
  type KubernetesPort,
  NODEGROUP_LABEL,
} from "../../core/ports/kubernetes.js";
import type { HttpRequest, HttpResponse, HttpTransport } from "./https-transport.js";

/** Where a cluster's API server is and what signs its certificate, as eks:DescribeCluster gives them. */
export interface ClusterAccess {
  endpoint: string;
  /** certificateAuthority.data: base64 of the PEM. */
  certificateAuthorityData: string;
}

export interface KubernetesApiOptions {
  region: string;
  clusterName: string;
  /** eks:DescribeCluster, once per instance. */
  describe: () => Promise<ClusterAccess>;
  /** A fresh bearer token (eksBearerToken); made per request, since presigning is local and cheap. */
  token: () => Promise<string>;
  transport: HttpTransport;
}

interface NodeList {
  items?: Array<{ status?: { conditions?: Array<{ type?: string; status?: string }> } }>;
}

interface DeploymentObject {
  spec?: { replicas?: number };
  status?: { readyReplicas?: number };
}

/**
 * One EKS cluster's Kubernetes API over HTTPS: Ready nodes of a nodegroup (by the label EKS sets on
 * managed nodes), a Deployment's replicas and Ready pods (status.readyReplicas), and a scale through the
 * Deployment's scale subresource (Kubernetes API reference, Deployment v1 apps and the Scale subresource).
 * The task role reaches it through an EKS access entry (README, "Kubernetes access").
 */
export class KubernetesApi implements KubernetesPort {
  private access: Promise<ClusterAccess> | undefined;

  constructor(private readonly options: KubernetesApiOptions) {}

  async readyNodes(nodegroup: string): Promise<number> {
    const selector = encodeURIComponent(`${NODEGROUP_LABEL}=${nodegroup}`);
    const list = (await this.send("GET", `/api/v1/nodes?labelSelector=${selector}`)).json as NodeList;
    return (list.items ?? []).filter((node) =>
      (node.status?.conditions ?? []).some(
        (condition) => condition.type === "Ready" && condition.status === "True",
      ),
    ).length;
  }

  async deployment(namespace: string, name: string): Promise<DeploymentState | undefined> {
    const response = await this.send("GET", deploymentPath(namespace, name), undefined, [404]);
    if (response.status === 404) return undefined;
    const deployment = response.json as DeploymentObject;
    return {
      replicas: deployment.spec?.replicas ?? 0,
      readyReplicas: deployment.status?.readyReplicas ?? 0,
    };
  }

  async scaleDeployment(namespace: string, name: string, replicas: number): Promise<MutationReceipt> {
    const response = await this.send(
      "PATCH",
      `${deploymentPath(namespace, name)}/scale`,
      JSON.stringify({ spec: { replicas } }),
    );
    // The API server's audit log carries the same Audit-Id: that is the witness of this call.
    return { requestId: response.headers["audit-id"] ?? "" };
  }

  private async send(
    method: HttpRequest["method"],
    path: string,
    body?: string,
    tolerated: number[] = [],
  ): Promise<HttpResponse & { json: unknown }> {
    const { region, clusterName } = this.options;
    const resource = `${region}/${clusterName}${path}`;
    let response: HttpResponse;
    try {
      this.access ??= this.options.describe();
      const access = await this.access;
      response = await this.options.transport({
        method,
        url: `${access.endpoint.replace(/\/$/, "")}${path}`,
        headers: {
          authorization: `Bearer ${await this.options.token()}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/merge-patch+json" }),
        },
        ...(body === undefined ? {} : { body }),
        ca: Buffer.from(access.certificateAuthorityData, "base64").toString("utf8"),
      });
    } catch (error) {
      this.access = undefined;
      throw new KubernetesApiError(`the Kubernetes API of ${clusterName} (${region}) did not answer`, {
        cause: error,
        resource,
      });
    }
    if ((response.status < 200 || response.status >= 300) && !tolerated.includes(response.status)) {
      throw new KubernetesApiError(
        `the Kubernetes API of ${clusterName} (${region}) answered ${response.status} to ${method} ${path}` +
          (response.status === 401 || response.status === 403
            ? ": the task role has no access entry or policy association on this cluster"
            : ""),
        { resource, ...(response.headers["audit-id"] ? { requestId: response.headers["audit-id"] } : {}) },
      );
    }
    let json: unknown;
    try {
      json = response.body === "" ? {} : JSON.parse(response.body);
    } catch (error) {
      throw new KubernetesApiError(`the Kubernetes API of ${clusterName} answered with something not JSON`, {
        cause: error,
        resource,
      });
    }
    return { ...response, json };
  }
}

function deploymentPath(namespace: string, name: string): string {
  return `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}`;
}
