import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { awsClientProvider } from "../../adapters/aws/aws-client-provider.js";
import { CloudTrailEvidence } from "../../adapters/aws/cloudtrail-evidence.js";
import { DynamoDbAuditTrail } from "../../adapters/aws/dynamodb-audit-trail.js";
import type { EvidenceDeps } from "../../core/audit/link-evidence.js";
import { systemClock } from "../../core/clock.js";
import { PlanCatalog } from "../../core/plan/plan-catalog.js";
import { loadConfig } from "./config.js";
import { loadDeployedPlans } from "./deployed-plans.js";

/** What the audit functions need: the trail, CloudTrail, the deployed plans; nothing that mutates AWS. */
export interface AuditFunctionDeps extends EvidenceDeps {
  audit: DynamoDbAuditTrail;
  plans: PlanCatalog;
}

export async function productionAuditDeps(): Promise<AuditFunctionDeps> {
  const config = loadConfig(process.env);
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: config.region }));
  return {
    audit: new DynamoDbAuditTrail(documents, config.auditTable),
    evidence: new CloudTrailEvidence(awsClientProvider(), systemClock),
    clock: systemClock,
    plans: new PlanCatalog(await loadDeployedPlans(config.plansFile)),
    actor: `lambda:${config.functionName}`,
  };
}
