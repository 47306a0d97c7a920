import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { awsClientProvider, type SharedClientConfig } from "../adapters/aws/aws-client-provider.js";
import { KmsDigestSigner } from "../adapters/aws/kms-digest-signer.js";
import type { ClientProvider } from "../adapters/aws/region-clients.js";
import { S3DigestStore } from "../adapters/aws/s3-digest-store.js";
import { systemClock } from "../core/clock.js";
import type { DigestStorePort } from "../core/ports/digests.js";
import { digestBucketName, digestKeyAlias } from "../infra/names.js";
import { recordingCalls } from "./aws-call-context.js";
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
  /**
   * The region to use when neither --region nor KIRIKAE_REGION names one: the SDK's (AWS_REGION, then
   * the profile's region). Absent: no such default.
   */
  defaultRegion?(): Promise<string | undefined>;
  /**
   * Invokes one of the stage's functions and returns what it returned; absent means Lambda's Invoke
   * through `clients` (the sandbox hands in its control plane's handlers instead).
   */
  invokeFunction?(region: string, functionName: string, payload: unknown): Promise<InvokeResult>;
}

/** What an invoked function returned, and the request ID of the Invoke call. */
export interface InvokeResult {
  payload: unknown;
  requestId: string;
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

/** How the CLI's real clients are built; every field but the timeouts is optional. */
export interface CliAwsSettings {
  /** The named profile (--profile, AWS_PROFILE): its credentials and, without --region, its region. */
  profile?: string;
  /** How long to wait for a connection to AWS, and for an answer once connected. */
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  /** Tries per call, including the first (the SDK's default is 3). */
  maxAttempts?: number;
  /** A local endpoint answering as AWS would: for tests only (AWS_ENDPOINT_URL does it for people). */
  endpoint?: string;
  /** Credentials instead of the SDK's chain: for tests only. */
  credentials?: AwsCredentialIdentityProvider;
}

/**
 * A dead region must cost seconds, not the minutes of an unbounded connection attempt: the person at
 * the CLI then tries the other region. A request may take longer than a connection (a scan of the
 * audit trail), but not forever.
 */
export const CLI_AWS_TIMEOUTS = { connectionTimeoutMs: 3_000, requestTimeoutMs: 20_000 } as const;

/** The SDK client settings all the CLI's clients share. */
function sharedConfig(settings: CliAwsSettings): SharedClientConfig {
  return {
    // Without throwOnRequestTimeout the SDK only warns when the request timeout passes, and waits on.
    requestHandler: {
      connectionTimeout: settings.connectionTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.maxAttempts ? { maxAttempts: settings.maxAttempts } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  };
}

export function realCliAws(overrides: Partial<CliAwsSettings> = {}): CliAws {
  const settings: CliAwsSettings = { ...CLI_AWS_TIMEOUTS, ...overrides };
  const shared = sharedConfig(settings);
  const documents = new Map<string, DynamoDBDocumentClient>();
  const clients = awsClientProvider(shared);
  const sts = new Map<string, STSClient>();
  return {
    clients,
    documents: (region) => {
      let client = documents.get(region);
      if (!client) {
        client = DynamoDBDocumentClient.from(new DynamoDBClient({ ...shared, region }), {
          marshallOptions: { removeUndefinedValues: true },
        });
        documents.set(region, client);
      }
      return client;
    },
    callerIdentity: async (region) => {
      let client = sts.get(region);
      if (!client) {
        client = recordingCalls(new STSClient({ ...shared, region }));
        sts.set(region, client);
      }
      const identity = await client.send(new GetCallerIdentityCommand({}));
      return identity.Arn ?? "unknown";
    },
    defaultRegion: async () => {
      // The SDK's own region chain: AWS_REGION, then the profile's `region` in ~/.aws/config.
      try {
        const region = await new STSClient(
          settings.profile ? { profile: settings.profile } : {},
        ).config.region();
        return region || undefined;
      } catch {
        return undefined;
      }
    },
    digests: (target) => stageDigests(clients, target),
  };
}
