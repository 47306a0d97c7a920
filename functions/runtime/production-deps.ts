import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EKSClient } from "@aws-sdk/client-eks";
import { RDSClient } from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDbAuditTrail } from "../../adapters/aws/dynamodb-audit-trail.js";
import { DynamoDbPlanState } from "../../adapters/aws/dynamodb-plan-state.js";
import {
  type ClientProvider,
  PROBE_TIMEOUT_MS,
  type RegionClients,
} from "../../adapters/aws/region-clients.js";
import { SnsNotifier } from "../../adapters/aws/sns-notifier.js";
import { systemClock } from "../../core/clock.js";
import { PlanCatalog } from "../../core/plan/plan-catalog.js";
import { loadConfig, type RuntimeConfig } from "./config.js";
import { loadDeployedPlans } from "./deployed-plans.js";
import type { TaskDeps } from "./task-deps.js";

/** Builds the real dependencies from the function's environment, once per cold start. */
export async function productionTaskDeps(): Promise<TaskDeps> {
  const config = loadConfig(process.env);
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: config.region }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    plans: new PlanCatalog(await loadDeployedPlans(config.plansFile)),
    clock: systemClock,
    clients: awsClientProvider(),
    audit: new DynamoDbAuditTrail(documents, config.auditTable),
    state: new DynamoDbPlanState(documents, config.stateTable),
    notifier: new SnsNotifier(new SNSClient({ region: config.region }), config.topicArn),
    actor: `lambda:${config.functionName}`,
  };
}

export function awsClientProvider(): ClientProvider {
  const cache = new Map<string, RegionClients>();
  const build = (region: string, probe: boolean): RegionClients => {
    const key = `${probe ? "probe" : "main"}:${region}`;
    const existing = cache.get(key);
    if (existing) return existing;
    // Probes are best-effort calls to a region that may be down: short timeouts and no SDK retries, so a
    // dead region costs seconds, not the minutes an unbounded connection attempt would.
    const config = probe
      ? {
          region,
          maxAttempts: 1,
          requestHandler: { connectionTimeout: 1_000, requestTimeout: PROBE_TIMEOUT_MS },
        }
      : { region };
    const clients: RegionClients = {
      rds: new RDSClient(config),
      route53: new Route53Client({ ...config, region: "us-east-1" }),
      eks: new EKSClient(config),
      cloudtrail: new CloudTrailClient(config),
      cloudwatch: new CloudWatchClient(config),
      sfn: new SFNClient(config),
    };
    cache.set(key, clients);
    return clients;
  };
  return { forRegion: (region) => build(region, false), probe: (region) => build(region, true) };
}

export type { RuntimeConfig };
