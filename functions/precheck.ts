import { CloudWatchReplicationLag } from "../adapters/aws/cloudwatch-replication-lag.js";
import { EksCompute } from "../adapters/aws/eks-compute.js";
import { RdsClusterStatus } from "../adapters/aws/rds-cluster-status.js";
import { RdsGlobalDatabase } from "../adapters/aws/rds-global-database.js";
import { precheck } from "../core/failover/precheck.js";
import { healthCheckReader } from "./runtime/health-checks.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type StepDeps } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";

export const createPrecheckHandler = (deps: DepsSource<StepDeps>) =>
  taskHandler("precheck", deps, (context, _event, resolved) =>
    precheck(context, {
      database: new RdsGlobalDatabase(
        resolved.clients,
        new CloudWatchReplicationLag(resolved.clients, resolved.clock),
      ),
      clusters: new RdsClusterStatus(resolved.clients),
      compute: new EksCompute(resolved.clients),
      healthChecks: healthCheckReader(resolved.clients),
    }),
  );

export const handler = createPrecheckHandler(memoize(productionStepDeps));
