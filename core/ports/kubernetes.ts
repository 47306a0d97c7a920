import { KirikaeError, type KirikaeErrorOptions } from "../errors.js";
import type { MutationReceipt } from "./global-database.js";

/** A Deployment as the scale step sees it: what it asks for and how many of its pods are Ready. */
export interface DeploymentState {
  replicas: number;
  /** Pods of the Deployment whose Ready condition is True (the Deployment's status.readyReplicas). */
  readyReplicas: number;
}

/**
 * One EKS cluster's Kubernetes API. EKS reports a nodegroup ACTIVE once its Auto Scaling group is changed,
 * before the new nodes have joined, so capacity is only ever judged here: Ready nodes and Ready pods.
 */
export interface KubernetesPort {
  /** Nodes labelled `eks.amazonaws.com/nodegroup=<nodegroup>` whose Ready condition is True. */
  readyNodes(nodegroup: string): Promise<number>;
  /** Undefined when the cluster has no such Deployment. */
  deployment(namespace: string, name: string): Promise<DeploymentState | undefined>;
  /** Sets spec.replicas through the scale subresource; the receipt holds the API server's Audit-Id. */
  scaleDeployment(namespace: string, name: string, replicas: number): Promise<MutationReceipt>;
}

/** The label EKS puts on every node of a managed nodegroup. */
export const NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup";

/** The cluster's API server did not answer, refused kirikae, or answered with something unusable. */
export class KubernetesApiError extends KirikaeError {
  constructor(message: string, options: KirikaeErrorOptions = {}) {
    super(message, {
      action:
        "check the EKS access entry of the control plane's task role on this cluster and that the cluster's API endpoint is reachable",
      ...options,
    });
    this.name = "KubernetesApiError";
  }
}
