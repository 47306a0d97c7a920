import { CloudWatchAlarms } from "../../adapters/aws/cloudwatch-alarms.js";
import { EksCompute } from "../../adapters/aws/eks-compute.js";
import { probeClients } from "../../adapters/aws/probe-clients.js";
import { RdsClusterStatus } from "../../adapters/aws/rds-cluster-status.js";
import { RdsGlobalDatabase } from "../../adapters/aws/rds-global-database.js";
import { Route53Dns } from "../../adapters/aws/route53-dns.js";
import { TrafficGates } from "../../adapters/aws/traffic-gates.js";
import type { TaskDeps } from "./task-deps.js";

/** The AWS-backed ports a step uses, over the clients its deps provide. */
export function awsPorts(deps: TaskDeps) {
  return {
    database: new RdsGlobalDatabase(deps.clients, deps.clock),
    dns: new Route53Dns(deps.clients),
    compute: new EksCompute(deps.clients),
    alarms: new CloudWatchAlarms(deps.clients),
    gates: new TrafficGates(deps.clients),
    clusters: new RdsClusterStatus(deps.clients),
    // Advisory: health-check status is only served by Route 53's API in us-east-1, so it is read with
    // probe clients and a dead us-east-1 costs seconds (invariant 5).
    healthChecks: new Route53Dns(probeClients(deps.clients)),
  };
}
