import type { Clock } from "../../core/clock.js";
import type { ReadinessDeps } from "../../core/readiness/check-readiness.js";
import { AutoScalingGroups } from "./auto-scaling-groups.js";
import { CloudWatchAlarms } from "./cloudwatch-alarms.js";
import { CloudWatchReplicationLag } from "./cloudwatch-replication-lag.js";
import { EcsServices } from "./ecs-services.js";
import { EksCompute } from "./eks-compute.js";
import { RdsGlobalDatabase } from "./rds-global-database.js";
import type { ClientProvider } from "./region-clients.js";
import { Route53Dns } from "./route53-dns.js";

/** The ports the readiness check reads through, over one set of clients: the CLI's or the Lambda's. */
export function awsReadinessDeps(clients: ClientProvider, clock: Clock): ReadinessDeps {
  return {
    database: new RdsGlobalDatabase(clients, new CloudWatchReplicationLag(clients, clock)),
    compute: new EksCompute(clients),
    dns: new Route53Dns(clients),
    alarms: new CloudWatchAlarms(clients),
    autoScaling: new AutoScalingGroups(clients),
    ecs: new EcsServices(clients),
    clock,
  };
}
