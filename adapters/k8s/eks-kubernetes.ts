import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import type { KubernetesPort } from "../../core/ports/kubernetes.js";
import { callAws } from "../aws/aws-errors.js";
import type { ClientProvider } from "../aws/region-clients.js";
import { eksBearerToken } from "./eks-token.js";
import { type HttpTransport, httpsTransport } from "./https-transport.js";
import { type ClusterAccess, KubernetesApi } from "./kubernetes-api.js";

/** An API server that does not answer in this long is treated as down, like the region's other APIs. */
export const KUBERNETES_TIMEOUT_MS = 5_000;

/**
 * The production factory behind TaskDeps.kubernetes: one KubernetesApi per cluster, its endpoint and CA
 * read with eks:DescribeCluster in the cluster's region, its tokens signed with the function's own
 * credentials (those of the region's EKS client).
 */
export function eksKubernetes(
  clients: ClientProvider,
  transport: HttpTransport = httpsTransport(KUBERNETES_TIMEOUT_MS),
): (region: string, clusterName: string) => KubernetesPort {
  const apis = new Map<string, KubernetesPort>();
  return (region, clusterName) => {
    const key = `${region}/${clusterName}`;
    let api = apis.get(key);
    if (!api) {
      const eks = clients.forRegion(region).get(EKSClient);
      api = new KubernetesApi({
        region,
        clusterName,
        transport,
        describe: async (): Promise<ClusterAccess> => {
          const output = await callAws({ action: "eks:DescribeCluster", resource: key }, () =>
            eks.send(new DescribeClusterCommand({ name: clusterName })),
          );
          return {
            endpoint: output.cluster?.endpoint ?? "",
            certificateAuthorityData: output.cluster?.certificateAuthority?.data ?? "",
          };
        },
        token: () => eksBearerToken({ clusterName, region, credentials: eks.config.credentials }),
      });
      apis.set(key, api);
    }
    return api;
  };
}
