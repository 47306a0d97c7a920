import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { awsClientProvider } from "../adapters/aws/aws-client-provider.js";
import type { ClientProvider } from "../adapters/aws/region-clients.js";
import type { DigestStorePort } from "../core/ports/digests.js";

/**
 * The AWS clients the operational commands use. The real ones read credentials the usual SDK way
 * (environment, profile, SSO); tests pass sandbox clients instead, so the commands run unchanged.
 */
export interface CliAws {
  clients: ClientProvider;
  documents(region: string): DynamoDBDocumentClient;
  /** Who the commands act as: the ARN STS reports, recorded as the actor (e.g. of an approval). */
  callerIdentity(region: string): Promise<string>;
  /**
   * A region's signed audit digests and the public half of their key, for `audit verify` and `audit export`;
   * absent where none are wired, and those commands then say so.
   */
  digests?(region: string): DigestAccess;
}

export interface DigestAccess {
  store: Pick<DigestStorePort, "list">;
  /** The audit key's public half, PEM (SPKI). */
  publicKey(): Promise<string>;
}

export function realCliAws(): CliAws {
  const documents = new Map<string, DynamoDBDocumentClient>();
  return {
    clients: awsClientProvider(),
    documents: (region) => {
      let client = documents.get(region);
      if (!client) {
        client = DynamoDBDocumentClient.from(new DynamoDBClient({ region }), {
          marshallOptions: { removeUndefinedValues: true },
        });
        documents.set(region, client);
      }
      return client;
    },
    callerIdentity: async (region) => {
      const identity = await new STSClient({ region }).send(new GetCallerIdentityCommand({}));
      return identity.Arn ?? "unknown";
    },
  };
}
