import type { MutationReceipt } from "./global-database.js";

export interface NodegroupState {
  status: string;
  minSize: number;
  maxSize: number;
  desiredSize: number;
}

/** EKS managed nodegroups of one region's cluster. */
export interface ComputePort {
  clusterStatus(region: string, clusterName: string): Promise<string>;
  nodegroups(region: string, clusterName: string): Promise<string[]>;
  nodegroup(region: string, clusterName: string, nodegroupName: string): Promise<NodegroupState>;
  scale(
    region: string,
    clusterName: string,
    nodegroupName: string,
    size: { minSize: number; desiredSize: number },
  ): Promise<MutationReceipt>;
}
