import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument, PolicyStatement } from "./grants.js";
import {
  APP_NAME,
  digestBucketName,
  digestKeyAlias,
  functionRoleName,
  partitionOf,
  pascalCase,
} from "./names.js";

/** The functions that write digests: a workflow's two ends and the hourly writer (infra/access.ts, digests.write). */
export const DIGEST_WRITERS = ["completeWorkflow", "abortWorkflow", "writeDigests"] as const;

/** What destroys a key or its protection; no kirikae role may do any of it, whatever IAM later grants. */
const KEY_DESTRUCTION = [
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:PutKeyPolicy",
  "kms:CreateGrant",
  "kms:DeleteAlias",
  "kms:UpdateAlias",
  "kms:DisableKeyRotation",
];

export interface DigestStoreArgs {
  stage: string;
  region: string;
  account: pulumi.Input<string>;
  /** Default COMPLIANCE retention of every digest (infra/deploy-config.ts, digestRetentionDays). */
  retentionDays: number;
  provider: aws.Provider;
  /** The digest writers' roles must exist before the key policy names them (KMS checks its principals). */
  dependsOn: pulumi.Resource[];
}

/**
 * One control-plane region's place for audit digests, as CloudTrail keeps its digest files:
 *   - an asymmetric KMS key (RSA_2048, SIGN_VERIFY) whose private half never leaves KMS; only the digest
 *     writers may kms:Sign, anyone in the account with IAM permission may read the public key, and the key
 *     policy denies every kirikae role the means to delete, disable or re-police it;
 *   - a bucket with Object Lock (which needs versioning) and a default retention in COMPLIANCE mode, so no
 *     one, the root user included, can delete a digest version before it ends (S3 user guide, "Using S3
 *     Object Lock"); its policy also denies any put without If-None-Match (no newer version over a digest),
 *     any delete, and any change of its own lock to a kirikae role; public access is blocked.
 */
export function digestStore(args: DigestStoreArgs): { bucket: aws.s3.Bucket; key: aws.kms.Key } {
  const { stage, region, provider } = args;
  const prefix = `${pascalCase(region)}Digest`;
  const account = pulumi.output(args.account);
  const bucket = new aws.s3.Bucket(
    `${prefix}Bucket`,
    {
      bucket: account.apply((resolved) => digestBucketName(stage, resolved, region)),
      objectLockEnabled: true,
      forceDestroy: false,
    },
    { provider, retainOnDelete: true },
  );
  const versioning = new aws.s3.BucketVersioning(
    `${prefix}Versioning`,
    { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
    { provider },
  );
  new aws.s3.BucketObjectLockConfiguration(
    `${prefix}ObjectLock`,
    {
      bucket: bucket.id,
      objectLockEnabled: "Enabled",
      rule: { defaultRetention: { mode: "COMPLIANCE", days: args.retentionDays } },
    },
    { provider, dependsOn: [versioning] },
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${prefix}PublicAccess`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: true,
      restrictPublicBuckets: true,
    },
    { provider },
  );
  new aws.s3.BucketPolicy(
    `${prefix}BucketPolicy`,
    {
      bucket: bucket.id,
      policy: pulumi
        .all([bucket.arn, account])
        .apply(([arn, resolved]) => JSON.stringify(digestBucketPolicy(arn, stage, resolved, region))),
    },
    { provider, dependsOn: [publicAccess] },
  );
  const key = new aws.kms.Key(
    `${prefix}Key`,
    {
      description: `kirikae ${stage}: signs the audit trail's digests in ${region}`,
      keyUsage: "SIGN_VERIFY",
      customerMasterKeySpec: "RSA_2048",
      // The longest waiting period KMS allows: time to notice and cancel a deletion nobody meant.
      deletionWindowInDays: 30,
      policy: account.apply((resolved) => JSON.stringify(digestKeyPolicy(stage, resolved, region))),
    },
    { provider, retainOnDelete: true, dependsOn: args.dependsOn },
  );
  new aws.kms.Alias(
    `${prefix}KeyAlias`,
    { name: digestKeyAlias(stage), targetKeyId: key.keyId },
    { provider },
  );
  return { bucket, key };
}

function kirikaeRoles(stage: string, account: string, region: string): string {
  return `arn:${partitionOf(region)}:iam::${account}:role/${APP_NAME}-${stage}-*`;
}

/** The key policy: the account administers the key (never kirikae's roles), only the writers sign. */
export function digestKeyPolicy(stage: string, account: string, region: string): PolicyDocument {
  const p = partitionOf(region);
  const root = `arn:${p}:iam::${account}:root`;
  const statement = (s: PolicyStatement) => s;
  return {
    Version: "2012-10-17",
    Statement: [
      statement({
        // Without it no IAM policy could grant anything on the key and KMS refuses the policy (lockout).
        Sid: "AccountAdministersTheKey",
        Effect: "Allow",
        Principal: { AWS: [root] },
        Action: [
          "kms:Describe*",
          "kms:List*",
          "kms:Get*",
          "kms:Put*",
          "kms:Update*",
          "kms:Create*",
          "kms:Enable*",
          "kms:Disable*",
          "kms:Revoke*",
          "kms:Delete*",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:ScheduleKeyDeletion",
          "kms:CancelKeyDeletion",
        ],
        Resource: ["*"],
      }),
      statement({
        Sid: "OnlyDigestWritersSign",
        Effect: "Allow",
        Principal: {
          AWS: DIGEST_WRITERS.map(
            (key) => `arn:${p}:iam::${account}:role/${functionRoleName(stage, key, region)}`,
          ),
        },
        Action: ["kms:Sign"],
        Resource: ["*"],
        Condition: {
          StringEquals: { "kms:SigningAlgorithm": "RSASSA_PSS_SHA_256", "kms:MessageType": "RAW" },
        },
      }),
      statement({
        Sid: "NoKirikaeRoleDestroysTheKey",
        Effect: "Deny",
        Principal: "*",
        Action: KEY_DESTRUCTION,
        Resource: ["*"],
        Condition: { ArnLike: { "aws:PrincipalArn": kirikaeRoles(stage, account, region) } },
      }),
    ],
  };
}

/** The bucket policy: no overwrite, no delete, and no change of its lock or policy by kirikae's roles. */
export function digestBucketPolicy(
  bucketArn: string,
  stage: string,
  account: string,
  region: string,
): PolicyDocument {
  const objects = `${bucketArn}/*`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        // S3 user guide, "Enforce conditional writes on Amazon S3 buckets": a put must carry If-None-Match.
        Sid: "NoPutOverAnExistingDigest",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:PutObject"],
        Resource: [objects],
        Condition: { Null: { "s3:if-none-match": "true" } },
      },
      {
        Sid: "NoDigestIsEverDeleted",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
        Resource: [objects],
      },
      {
        Sid: "NoKirikaeRoleChangesTheLock",
        Effect: "Deny",
        Principal: "*",
        Action: [
          "s3:PutBucketObjectLockConfiguration",
          "s3:PutBucketPolicy",
          "s3:DeleteBucketPolicy",
          "s3:PutBucketVersioning",
          "s3:PutLifecycleConfiguration",
          "s3:BypassGovernanceRetention",
          "s3:DeleteBucket",
        ],
        Resource: [bucketArn],
        Condition: { ArnLike: { "aws:PrincipalArn": kirikaeRoles(stage, account, region) } },
      },
      {
        Sid: "TlsOnly",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [bucketArn, objects],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}
