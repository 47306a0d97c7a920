import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { awsClientProvider } from "../../adapters/aws/aws-client-provider.js";
import { DynamoDbAuditTrail } from "../../adapters/aws/dynamodb-audit-trail.js";
import { DynamoDbPlanState } from "../../adapters/aws/dynamodb-plan-state.js";
import { systemClock } from "../../core/clock.js";
import { PlanCatalog } from "../../core/plan/plan-catalog.js";
import type { AuditPort, AuditReaderPort } from "../../core/ports/audit.js";
import { loadConfig } from "./config.js";
import { loadDeployedPlans } from "./deployed-plans.js";
import type { StepDeps } from "./task-deps.js";

/** The audit trail is the DynamoDB one, which the digest and report writers also read the chain from. */
export type ProductionStepDeps = StepDeps & { audit: AuditPort & AuditReaderPort };

/**
 * Builds what every step's function shares from its environment, once per cold start: the tables and a
 * client provider that builds no client until an adapter asks for one. The rest a function uses (the
 * notifier, Kubernetes, digests, ...) its handler adds itself (production-notifier.ts, digest-deps.ts, the adapters).
 */
export async function productionStepDeps(): Promise<ProductionStepDeps> {
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
    actor: `lambda:${config.functionName}`,
  };
}
