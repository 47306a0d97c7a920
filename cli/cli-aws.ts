import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { awsClientProvider } from "../adapters/aws/aws-client-provider.js";
import { KmsDigestSigner } from "../adapters/aws/kms-digest-signer.js";
import type { ClientProvider } from "../adapters/aws/region-clients.js";
import { S3DigestStore } from "../adapters/aws/s3-digest-store.js";
import { systemClock } from "../core/clock.js";
import type { DigestStorePort } from "../core/ports/digests.js";
import { digestBucketName, digestKeyAlias } from "../infra/names.js";
import { asDigestFailure, type DigestLocation } from "./aws-failures.js";

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
  digests?(target: DigestTarget): DigestAccess;
}

/** Which stage's digests, in which region, for which caller (the account is the caller's, as STS says). */
export interface DigestTarget {
  stage: string;
  region: string;
  /** The caller's ARN as STS reports it: its account owns the stage's digest bucket. */
  identity: string;
}

export interface DigestAccess {
  store: Pick<DigestStorePort, "list">;
  /** The audit key's public half, PEM (SPKI). */
  publicKey(): Promise<string>;
}

/**
 * A deployed stage's digests in one region, read with the caller's own identity: the bucket
 * `digestBucketName(stage, account, region)` and the key `digestKeyAlias(stage)` that infra creates there.
 * AWS failures a person can fix (a missing auditor policy, a stage deployed before digests existed) come
 * back as one sentence naming what to do, not as an SDK error.
 */
export function stageDigests(clients: ClientProvider, target: DigestTarget): DigestAccess {
  // The same account the CLI's state machine ARNs are built from (cli/stage-target.ts).
  const account = target.identity.split(":")[4] ?? "";
  const where: DigestLocation = {
    stage: target.stage,
    region: target.region,
    bucket: digestBucketName(target.stage, account, target.region),
    keyAlias: digestKeyAlias(target.stage),
  };
  // The CLI only lists and reads digests; the retention given here applies to puts, which it never makes.
  const store = new S3DigestStore(clients, where.region, where.bucket, systemClock, 1);
  const signer = new KmsDigestSigner(clients, where.region, where.keyAlias);
  const mapped = async <T>(read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      throw asDigestFailure(error, where);
    }
  };
  return {
    store: { list: (plan, region) => mapped(() => store.list(plan, region)) },
    publicKey: () => mapped(() => signer.publicKey()),
  };
}

export function realCliAws(): CliAws {
  const documents = new Map<string, DynamoDBDocumentClient>();
  const clients = awsClientProvider();
  return {
    clients,
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
    digests: (target) => stageDigests(clients, target),
  };
}
