import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { awsClientProvider } from "../../adapters/aws/aws-client-provider.js";
import { DynamoDbAuditTrail } from "../../adapters/aws/dynamodb-audit-trail.js";
import { DynamoDbPlanState } from "../../adapters/aws/dynamodb-plan-state.js";
import { SnsNotifier } from "../../adapters/aws/sns-notifier.js";
import { AuthoritativeDns } from "../../adapters/dns/authoritative-dns.js";
import { FetchHttpProbe } from "../../adapters/http/fetch-http-probe.js";
import { eksKubernetes } from "../../adapters/k8s/eks-kubernetes.js";
import { systemClock } from "../../core/clock.js";
import { PlanCatalog } from "../../core/plan/plan-catalog.js";
import type { Plan } from "../../core/plan/schema.js";
import { zoneNameOf } from "../../core/traffic/zone-name.js";
import { loadConfig, type RuntimeConfig } from "./config.js";
import { loadDeployedPlans } from "./deployed-plans.js";
import { digestWriter, reportWriter } from "./digest-deps.js";
import type { TaskDeps } from "./task-deps.js";

/** Builds the real dependencies from the function's environment, once per cold start. */
export async function productionTaskDeps(): Promise<TaskDeps> {
  const config = loadConfig(process.env);
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: config.region }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const clients = awsClientProvider();
  const audit = new DynamoDbAuditTrail(documents, config.auditTable);
  const actor = `lambda:${config.functionName}`;
  return {
    plans: new PlanCatalog(await loadDeployedPlans(config.plansFile)),
    clock: systemClock,
    clients,
    audit,
    state: new DynamoDbPlanState(documents, config.stateTable),
    notifier: new SnsNotifier(new SNSClient({ region: config.region }), config.topicArn),
    actor,
    dnsAnswers: authoritativeAnswers(),
    kubernetes: eksKubernetes(clients),
    httpProbe: () => new FetchHttpProbe(),
    writeDigest: digestWriter(config, { clients, audit, clock: systemClock, actor }).writeDigest,
    writeReport: reportWriter(config, { clients, audit, clock: systemClock }),
  };
}

/** One resolver per zone, kept for the life of the instance so the name servers are looked up once. */
function authoritativeAnswers() {
  const byZone = new Map<string, AuthoritativeDns>();
  return (plan: Plan) => {
    const zoneName = zoneNameOf(plan);
    let answers = byZone.get(zoneName);
    if (!answers) {
      answers = new AuthoritativeDns({ zoneName });
      byZone.set(zoneName, answers);
    }
    return answers;
  };
}

export type { RuntimeConfig };
