import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDbAuditTrail } from "../../adapters/aws/dynamodb-audit-trail.js";
import { loadConfig } from "./config.js";

/** The audit query function's one dependency: the trail, read through its indexes, and nothing else. */
export function productionAuditTrail(): { audit: DynamoDbAuditTrail } {
  const config = loadConfig(process.env);
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: config.region }));
  return { audit: new DynamoDbAuditTrail(documents, config.auditTable) };
}
