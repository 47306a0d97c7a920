import type { AddressInfo } from "node:net";
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { type TableDefinition, tableDefinitions } from "../infra/table-definitions.js";

export interface LocalDynamoDb {
  client: DynamoDBClient;
  endpoint: string;
  /** Deployed-style table names by logical name. */
  tableNames: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts a real DynamoDB implementation (dynalite, in memory) on a free loopback port and creates the
 * tables infra deploys. Nothing about DynamoDB is simulated: conditions, indexes and errors are real.
 */
export async function startLocalDynamoDb(prefix = "sandbox-kirikae"): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "LOCAL", secretAccessKey: "LOCAL" },
  });
  const tableNames: Record<string, string> = {};
  for (const definition of tableDefinitions) {
    const name = `${prefix}-${definition.logicalName}`;
    await client.send(new CreateTableCommand(createTableInput(definition, name)));
    tableNames[definition.logicalName] = name;
  }
  return {
    client,
    endpoint,
    tableNames,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function createTableInput(definition: TableDefinition, tableName: string): CreateTableCommandInput {
  const key = (hashKey: string, rangeKey?: string) => [
    { AttributeName: hashKey, KeyType: "HASH" as const },
    ...(rangeKey ? [{ AttributeName: rangeKey, KeyType: "RANGE" as const }] : []),
  ];
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: definition.attributes.map((attribute) => ({
      AttributeName: attribute.name,
      AttributeType: attribute.type,
    })),
    KeySchema: key(definition.hashKey, definition.rangeKey),
    ...(definition.globalSecondaryIndexes.length > 0
      ? {
          GlobalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
            IndexName: index.name,
            KeySchema: key(index.hashKey, index.rangeKey),
            Projection: { ProjectionType: "ALL" as const },
          })),
        }
      : {}),
  };
}
