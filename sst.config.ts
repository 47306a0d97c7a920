/// <reference path="./.sst/platform/config.d.ts" />

/**
 * Deploys kirikae's control plane with SST. Stage rules live here; each concern lives in infra/.
 * Type-checked by SST itself (`sst install` generates .sst/platform), not by the project's tsc.
 */
export default $config({
  app(input) {
    return {
      name: "kirikae",
      home: "aws",
      // The audit trail must survive a teardown of production.
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: input?.stage === "production",
    };
  },
  async run() {
    const { tableDefinitions } = await import("./infra/table-definitions");
    const tables = Object.fromEntries(
      tableDefinitions.map((definition) => [
        definition.logicalName,
        new aws.dynamodb.Table(
          `Kirikae${definition.logicalName[0]?.toUpperCase()}${definition.logicalName.slice(1)}Table`,
          {
            billingMode: "PAY_PER_REQUEST",
            hashKey: definition.hashKey,
            ...(definition.rangeKey ? { rangeKey: definition.rangeKey } : {}),
            attributes: definition.attributes,
            globalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
              name: index.name,
              hashKey: index.hashKey,
              rangeKey: index.rangeKey,
              projectionType: "ALL",
            })),
            pointInTimeRecovery: { enabled: true },
          },
        ),
      ]),
    );
    return Object.fromEntries(Object.entries(tables).map(([name, table]) => [`${name}Table`, table.name]));
  },
});
