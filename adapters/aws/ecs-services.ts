import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import type { EcsServiceState, EcsServicesPort } from "../../core/ports/ecs-services.js";
import type { MutationReceipt } from "../../core/ports/global-database.js";
import { callAws, requestIdOf } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/**
 * Amazon ECS services over DescribeServices and UpdateService. DescribeServices reports a service the
 * cluster does not have under `failures` (reason MISSING), not as an error, so that is read as "no such
 * service"; a cluster that does not exist is an error (ClusterNotFoundException) and stays one, since it
 * means the plan names the wrong cluster (Amazon ECS API reference, DescribeServices,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html).
 */
export class EcsServices implements EcsServicesPort {
  constructor(private readonly clients: ClientProvider) {}

  async service(region: string, cluster: string, service: string): Promise<EcsServiceState | undefined> {
    const output = await callAws(
      { action: "ecs:DescribeServices", resource: `${region}/${cluster}/${service}` },
      () =>
        this.clients
          .forRegion(region)
          .get(ECSClient)
          .send(new DescribeServicesCommand({ cluster, services: [service] })),
    );
    const found = output.services?.find(
      (candidate) => candidate.serviceName === service || candidate.serviceArn === service,
    );
    if (!found) return undefined;
    return {
      desiredCount: found.desiredCount ?? 0,
      runningCount: found.runningCount ?? 0,
      pendingCount: found.pendingCount ?? 0,
      status: found.status ?? "UNKNOWN",
    };
  }

  async setDesiredCount(
    region: string,
    cluster: string,
    service: string,
    desiredCount: number,
  ): Promise<MutationReceipt> {
    // desiredCount alone: ECS starts or stops tasks of the current deployment and starts no new deployment.
    const output = await callAws(
      { action: "ecs:UpdateService", resource: `${region}/${cluster}/${service}` },
      () =>
        this.clients
          .forRegion(region)
          .get(ECSClient)
          .send(new UpdateServiceCommand({ cluster, service, desiredCount })),
    );
    return { requestId: requestIdOf(output) };
  }
}
