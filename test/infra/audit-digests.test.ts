import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../infra/grants.js";
import { deployedPlans, IRELAND, OREGON, SINGAPORE, TOKYO } from "./support/deployed-plans.js";
import {
  ACCOUNT,
  BUCKET,
  BUCKET_POLICY,
  BUCKET_PUBLIC_ACCESS,
  FUNCTION,
  type MockDeploy,
  mockDeploy,
  STAGE,
} from "./support/mock-deploy.js";

const KEY = "aws:kms/key:Key";
const ALIAS = "aws:kms/alias:Alias";
const OBJECT_LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";
const VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";
const CONTROL_PLANE_REGIONS = [TOKYO, SINGAPORE, OREGON, IRELAND];

let deploy: MockDeploy;

beforeAll(async () => {
  const { shop, payments } = await deployedPlans();
  deploy = await mockDeploy([shop, payments], { digestRetentionDays: 730 });
});

const inRegion = (type: string, region: string) =>
  deploy.ofType(type).filter((resource) => resource.region === region);

describe("the audit digests' signing keys", () => {
  it("makes one asymmetric RSA 2048 signing key per control-plane region, under the alias the functions call", () => {
    for (const region of CONTROL_PLANE_REGIONS) {
      const [key, ...others] = inRegion(KEY, region);
      expect(others, region).toEqual([]);
      expect(key?.inputs).toMatchObject({
        keyUsage: "SIGN_VERIFY",
        customerMasterKeySpec: "RSA_2048",
        deletionWindowInDays: 30,
      });
      expect(inRegion(ALIAS, region).map((alias) => alias.inputs.name)).toEqual([
        `alias/kirikae-${STAGE}-audit-digests`,
      ]);
    }
  });

  it("lets only the digest writers sign, with RSASSA_PSS_SHA_256 over raw messages", () => {
    const key = inRegion(KEY, SINGAPORE)[0];
    const policy = JSON.parse(String(key?.inputs.policy)) as PolicyDocument;
    const signers = policy.Statement.filter((statement) => statement.Action.includes("kms:Sign"));

    expect(signers).toEqual([
      {
        Sid: "OnlyDigestWritersSign",
        Effect: "Allow",
        Principal: {
          AWS: ["completeWorkflow", "abortWorkflow", "writeDigests"].map(
            (fn) => `arn:aws:iam::${ACCOUNT}:role/kirikae-${STAGE}-${fn}-${SINGAPORE}`,
          ),
        },
        Action: ["kms:Sign"],
        Resource: ["*"],
        Condition: {
          StringEquals: { "kms:SigningAlgorithm": "RSASSA_PSS_SHA_256", "kms:MessageType": "RAW" },
        },
      },
    ]);
    // The account's own administration never includes signing: kms:Sign is granted nowhere else.
    const admin = policy.Statement.find((statement) => statement.Sid === "AccountAdministersTheKey");
    expect(admin?.Action.some((action) => action === "kms:*" || action.startsWith("kms:Sign"))).toBe(false);
  });
});

describe("the audit digests' buckets", () => {
  it("keeps digests in a bucket per control-plane region with Object Lock, versioning and public access blocked", () => {
    for (const region of CONTROL_PLANE_REGIONS) {
      const bucket = inRegion(BUCKET, region).find((candidate) =>
        String(candidate.inputs.bucket).includes("-dg-"),
      );
      expect(bucket?.inputs, region).toMatchObject({
        bucket: `kirikae-${STAGE}-dg-${ACCOUNT}-${region}`,
        objectLockEnabled: true,
        forceDestroy: false,
      });
      expect(
        inRegion(VERSIONING, region).map((versioning) => versioning.inputs.versioningConfiguration),
      ).toEqual([{ status: "Enabled" }]);
      expect(
        inRegion(BUCKET_PUBLIC_ACCESS, region).find((block) => block.inputs.bucket === bucket?.id)?.inputs,
      ).toMatchObject({
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: true,
        restrictPublicBuckets: true,
      });
      expect(inRegion(BUCKET_POLICY, region).some((policy) => policy.inputs.bucket === bucket?.id)).toBe(
        true,
      );
    }
  });

  it("locks every digest in COMPLIANCE mode for the retention the deployment config sets", () => {
    const locks = deploy.ofType(OBJECT_LOCK);

    expect(locks.map((lock) => lock.region).sort()).toEqual([...CONTROL_PLANE_REGIONS].sort());
    for (const lock of locks) {
      expect(lock.inputs).toMatchObject({
        objectLockEnabled: "Enabled",
        rule: { defaultRetention: { mode: "COMPLIANCE", days: 730 } },
      });
    }
  });

  it("tells every function its region's digest bucket, key alias and retention", () => {
    for (const fn of inRegion(FUNCTION, SINGAPORE)) {
      const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
      expect(variables).toMatchObject({
        KIRIKAE_DIGEST_BUCKET: `kirikae-${STAGE}-dg-${ACCOUNT}-${SINGAPORE}`,
        KIRIKAE_DIGEST_KEY: `alias/kirikae-${STAGE}-audit-digests`,
        KIRIKAE_DIGEST_RETENTION_DAYS: "730",
      });
    }
  });
});
