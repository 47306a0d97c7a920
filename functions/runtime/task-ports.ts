import { CloudWatchAlarms } from "../../adapters/aws/cloudwatch-alarms.js";
import { EksCompute } from "../../adapters/aws/eks-compute.js";
import { RdsGlobalDatabase } from "../../adapters/aws/rds-global-database.js";
import { Route53Dns } from "../../adapters/aws/route53-dns.js";
import type { TaskDeps } from "./task-deps.js";

/** The AWS-backed ports a step uses, over the clients its deps provide. */
export function awsPorts(deps: TaskDeps) {
  return {
    database: new RdsGlobalDatabase(deps.clients, deps.clock),
    dns: new Route53Dns(deps.clients),
    compute: new EksCompute(deps.clients),
    alarms: new CloudWatchAlarms(deps.clients),
  };
}
