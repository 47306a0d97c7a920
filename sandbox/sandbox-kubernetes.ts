import type { Clock } from "../core/clock.js";
import type { MutationReceipt } from "../core/ports/global-database.js";
import { type DeploymentState, KubernetesApiError, type KubernetesPort } from "../core/ports/kubernetes.js";
import type { SandboxEstate } from "./estate.js";
import type { KubernetesModel } from "./services/kubernetes-model.js";

/** How long the production adapter waits for an API server before giving up (adapters/k8s). */
export const KUBERNETES_TIMEOUT_MS = 5_000;

/**
 * The sandbox's Kubernetes API servers: straight to KubernetesModel, not through the SDK estate, since a
 * cluster's API is no AWS API (no IAM policy check, no CloudTrail event). It is in the cluster's region
 * all the same: an EKS cluster's API server endpoint runs in the cluster's Region (Amazon EKS user guide,
 * "Cluster API server endpoint", https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html),
 * so a region that is down gives no answer, after the adapter's timeout.
 */
export class SandboxKubernetes implements KubernetesPort {
  private calls = 0;

  constructor(
    private readonly estate: Pick<SandboxEstate, "isRegionUp"> & { clock: Clock },
    private readonly model: KubernetesModel,
    private readonly region: string,
    private readonly clusterName: string,
  ) {}

  async readyNodes(nodegroup: string): Promise<number> {
    await this.reachable();
    return this.model.readyNodes(this.region, this.clusterName, nodegroup);
  }

  async deployment(namespace: string, name: string): Promise<DeploymentState | undefined> {
    await this.reachable();
    return this.model.deployment(this.region, this.clusterName, namespace, name);
  }

  async scaleDeployment(namespace: string, name: string, replicas: number): Promise<MutationReceipt> {
    await this.reachable();
    if (!this.model.scaleDeployment(this.region, this.clusterName, namespace, name, replicas)) {
      throw new KubernetesApiError(`deployments.apps "${name}" not found in namespace ${namespace}`, {
        resource: `${this.region}/${this.clusterName}/${namespace}/${name}`,
      });
    }
    this.calls += 1;
    return { requestId: `sandbox-k8s-audit-${this.region}-${this.clusterName}-${this.calls}` };
  }

  private async reachable(): Promise<void> {
    if (!this.model.hasCluster(this.region, this.clusterName)) {
      throw new KubernetesApiError(`no EKS cluster ${this.clusterName} in ${this.region}`);
    }
    if (this.estate.isRegionUp(this.region)) return;
    await this.estate.clock.sleep(KUBERNETES_TIMEOUT_MS);
    throw new KubernetesApiError(
      `the Kubernetes API of ${this.clusterName} (${this.region}) did not answer within ${KUBERNETES_TIMEOUT_MS / 1000} s`,
      { resource: `${this.region}/${this.clusterName}` },
    );
  }
}
