import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll } from "vitest";
import { DynamoDbAuditTrail } from "../../adapters/aws/dynamodb-audit-trail.js";
import { DynamoDbPlanState } from "../../adapters/aws/dynamodb-plan-state.js";
import { type LocalDynamoDb, startLocalDynamoDb } from "../../sandbox/local-dynamodb.js";

/** A local DynamoDB with kirikae's tables for the test file, and the adapters over them. */
export function useLocalTables() {
  const tables = {} as {
    dynamo: LocalDynamoDb;
    documents: DynamoDBDocumentClient;
    audit: DynamoDbAuditTrail;
    state: DynamoDbPlanState;
    auditTable: string;
    stateTable: string;
  };
  beforeAll(async () => {
    tables.dynamo = await startLocalDynamoDb();
    tables.documents = DynamoDBDocumentClient.from(tables.dynamo.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    tables.auditTable = tables.dynamo.tableNames.audit ?? "";
    tables.stateTable = tables.dynamo.tableNames.state ?? "";
    tables.audit = new DynamoDbAuditTrail(tables.documents, tables.auditTable);
    tables.state = new DynamoDbPlanState(tables.documents, tables.stateTable);
  });
  afterAll(async () => {
    await tables.dynamo?.stop();
  });
  return tables;
}
