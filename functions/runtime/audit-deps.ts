import { awsClientProvider } from "../../adapters/aws/aws-client-provider.js";
import { CloudTrailEvidence } from "../../adapters/aws/cloudtrail-evidence.js";
import type { DynamoDbAuditTrail } from "../../adapters/aws/dynamodb-audit-trail.js";
import { SqsDeadLetters } from "../../adapters/aws/sqs-dead-letters.js";
import type { EvidenceDeps } from "../../core/audit/link-evidence.js";
import { systemClock } from "../../core/clock.js";
import { PlanCatalog } from "../../core/plan/plan-catalog.js";
import type { DeadLetterPort } from "../../core/ports/dead-letters.js";
import { productionAuditTrail } from "./audit-trail-deps.js";
import { ConfigError, loadConfig } from "./config.js";
import { loadDeployedPlans } from "./deployed-plans.js";

/** What the audit functions need: the trail, CloudTrail, the deployed plans; nothing that mutates AWS. */
export interface AuditFunctionDeps extends EvidenceDeps {
  audit: DynamoDbAuditTrail;
  plans: PlanCatalog;
}

/** The scheduled evidence linker also drains the detector's dead-letter queue into the trail. */
export interface LinkerFunctionDeps extends AuditFunctionDeps {
  deadLetters: DeadLetterPort;
}

export async function productionAuditDeps(): Promise<AuditFunctionDeps> {
  const config = loadConfig(process.env);
  return {
    ...productionAuditTrail(),
    evidence: new CloudTrailEvidence(awsClientProvider(), systemClock),
    clock: systemClock,
    plans: new PlanCatalog(await loadDeployedPlans(config.plansFile)),
    actor: `lambda:${config.functionName}`,
  };
}

export async function productionLinkerDeps(): Promise<LinkerFunctionDeps> {
  const config = loadConfig(process.env);
  // Required here, not in the shared schema: only the linker reads the queue, and a linker deployed
  // without it would leave lost alarm events out of the trail without a word.
  if (!config.detectorFailureQueueUrl) {
    throw new ConfigError("the evidence linker's environment has no KIRIKAE_DETECTOR_FAILURE_QUEUE_URL");
  }
  return {
    ...(await productionAuditDeps()),
    deadLetters: new SqsDeadLetters(awsClientProvider(), config.region, config.detectorFailureQueueUrl),
  };
}
