import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { awsClientProvider } from "../../adapters/aws/aws-client-provider.js";
import { DynamoDbAuditTrail } from "../../adapters/aws/dynamodb-audit-trail.js";
import { DynamoDbPlanState } from "../../adapters/aws/dynamodb-plan-state.js";
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

export type { RuntimeConfig };
