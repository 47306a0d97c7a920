import { DescribeDBClustersCommand, RDSClient } from "@aws-sdk/client-rds";
import type { ClusterStatusPort } from "../../core/ports/cluster-status.js";
import { callAws } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/** DescribeDBClusters in the cluster's own region (the region in its ARN), with the SDK's retries. */
export class RdsClusterStatus implements ClusterStatusPort {
  constructor(private readonly clients: ClientProvider) {}

  async status(clusterArn: string): Promise<string> {
    const region = clusterArn.split(":")[3] ?? "";
    const output = await callAws({ action: "rds:DescribeDBClusters", resource: clusterArn }, () =>
      this.clients
        .forRegion(region)
        .get(RDSClient)
        .send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterArn })),
    );
    return output.DBClusters?.[0]?.Status ?? "unknown";
  }
}
