import {
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  EKSClient,
  ListNodegroupsCommand,
  UpdateNodegroupConfigCommand,
} from "@aws-sdk/client-eks";
import type { ComputePort, NodegroupState } from "../../core/ports/compute.js";
import type { MutationReceipt } from "../../core/ports/global-database.js";
import { callAws, requestIdOf } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

export class EksCompute implements ComputePort {
  constructor(private readonly clients: ClientProvider) {}

  async clusterStatus(region: string, clusterName: string): Promise<string> {
    const output = await callAws(
      { action: "eks:DescribeCluster", resource: `${region}/${clusterName}` },
      () =>
        this.clients
          .forRegion(region)
          .get(EKSClient)
          .send(new DescribeClusterCommand({ name: clusterName })),
    );
    return output.cluster?.status ?? "UNKNOWN";
  }

  async nodegroups(region: string, clusterName: string): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const output = await callAws(
        { action: "eks:ListNodegroups", resource: `${region}/${clusterName}` },
        () =>
          this.clients
            .forRegion(region)
            .get(EKSClient)
            .send(new ListNodegroupsCommand({ clusterName, ...(token ? { nextToken: token } : {}) })),
      );
      names.push(...(output.nodegroups ?? []));
      nextToken = output.nextToken;
    } while (nextToken);
    return names;
  }

  async nodegroup(region: string, clusterName: string, nodegroupName: string): Promise<NodegroupState> {
    const resource = `${region}/${clusterName}/${nodegroupName}`;
    const output = await callAws({ action: "eks:DescribeNodegroup", resource }, () =>
      this.clients
        .forRegion(region)
        .get(EKSClient)
        .send(new DescribeNodegroupCommand({ clusterName, nodegroupName })),
    );
    const scaling = output.nodegroup?.scalingConfig;
    return {
      status: output.nodegroup?.status ?? "UNKNOWN",
      minSize: scaling?.minSize ?? 0,
      maxSize: scaling?.maxSize ?? 0,
      desiredSize: scaling?.desiredSize ?? 0,
    };
  }

  async scale(
    region: string,
    clusterName: string,
    nodegroupName: string,
    size: { minSize: number; desiredSize: number },
  ): Promise<MutationReceipt> {
    const resource = `${region}/${clusterName}/${nodegroupName}`;
    const output = await callAws({ action: "eks:UpdateNodegroupConfig", resource }, () =>
      this.clients
        .forRegion(region)
        .get(EKSClient)
        .send(
          new UpdateNodegroupConfigCommand({
            clusterName,
            nodegroupName,
            scalingConfig: { minSize: size.minSize, desiredSize: size.desiredSize },
          }),
        ),
    );
    return { requestId: requestIdOf(output) };
  }
}
