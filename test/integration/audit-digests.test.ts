import { constants, verify } from "node:crypto";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { KmsDigestSigner } from "../../adapters/aws/kms-digest-signer.js";
import { digestBytes, digestHash, digestKey } from "../../core/audit/digest-bytes.js";
import type { SignedDigest } from "../../core/ports/digests.js";
import { digestBucketName, digestKeyAlias } from "../../infra/names.js";
import { buildEstate } from "../../sandbox/build-estate.js";
import { runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario } from "../../sandbox/drill/scenarios.js";
import { sandboxClients } from "../../sandbox/sandbox-clients.js";
import { clientProvider } from "../../sandbox/sandbox-control-plane.js";
import { testPlan } from "../support/plan-fixtures.js";
import { ACCOUNT, SINGAPORE, TOKYO } from "../support/sandbox-fixtures.js";

const plan = testPlan();
const WRITER = `arn:aws:sts::${ACCOUNT}:assumed-role/kirikae-sandbox-writeDigests/kirikae-write-digests`;
const bucket = digestBucketName("sandbox", ACCOUNT, SINGAPORE);
const DAY_MS = 86_400_000;

/** Checks a digest's signature with nothing but node:crypto and the exported PEM, as an auditor offline. */
function signatureHolds(signed: SignedDigest, publicKeyPem: string): boolean {
  return verify(
    "sha256",
    digestBytes(signed.digest),
    { key: publicKeyPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
    Buffer.from(signed.signature, "base64"),
  );
}

describe("the sandbox's KMS signing key", () => {
  it("signs with RSASSA_PSS_SHA_256 so that node:crypto verifies it against the exported public key", async () => {
    const { estate } = buildEstate([plan]);
    const signer = new KmsDigestSigner(clientProvider(estate, WRITER), SINGAPORE, digestKeyAlias("sandbox"));
    const message = new TextEncoder().encode('{"plan":"shop"}');

    const signed = await signer.sign(message);
    const pem = await signer.publicKey();

    expect(signed.keyId).toMatch(/^arn:aws:kms:ap-southeast-1:111122223333:key\//);
    const holds = (bytes: Uint8Array) =>
      verify(
        "sha256",
        bytes,
        { key: pem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        Buffer.from(signed.signature, "base64"),
      );
    expect(holds(message)).toBe(true);
    expect(holds(new TextEncoder().encode('{"plan":"shoq"}'))).toBe(false);
  });

  it("keeps each region's key in its region: another region's endpoint does not know it", async () => {
    const { estate } = buildEstate([plan]);
    const singapore = new KmsDigestSigner(
      clientProvider(estate, WRITER),
      SINGAPORE,
      digestKeyAlias("sandbox"),
    );
    const tokyo = new KmsDigestSigner(clientProvider(estate, WRITER), TOKYO, digestKeyAlias("sandbox"));

    expect(await singapore.publicKey()).not.toBe(await tokyo.publicKey());
    await expect(
      new KmsDigestSigner(clientProvider(estate, WRITER), "eu-west-1", digestKeyAlias("sandbox")).publicKey(),
    ).rejects.toThrow(/NotFoundException/);
  });
});

describe("the digest bucket's Object Lock", () => {
  const key = "kirikae/digests/shop/ap-southeast-1/2026-05-01T00:00:00.000Z.json";
  const body = '{"digest":"original"}';
  const put = (Body: string, extra: Record<string, unknown> = {}) =>
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body,
      ObjectLockMode: "COMPLIANCE",
      ObjectLockRetainUntilDate: new Date(Date.parse("2027-06-05T00:00:00Z")),
      ChecksumAlgorithm: "SHA256",
      IfNoneMatch: "*",
      ...extra,
    });

  it("refuses to overwrite a digest, with or without If-None-Match, and keeps the original", async () => {
    const { estate } = buildEstate([plan]);
    const s3 = sandboxClients(estate, SINGAPORE, WRITER).s3;
    await s3.send(put(body));

    await expect(s3.send(put('{"digest":"forged"}'))).rejects.toMatchObject({ name: "PreconditionFailed" });
    await expect(s3.send(put('{"digest":"forged"}', { IfNoneMatch: undefined }))).rejects.toMatchObject({
      name: "AccessDenied",
    });
    const store = clientProvider(estate, WRITER);
    const current = await store
      .forRegion(SINGAPORE)
      .get(S3Client)
      .send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await current.Body?.transformToString()).toBe(body);
  });

  it("refuses to delete a locked version before its retention ends, whoever asks", async () => {
    const { estate } = buildEstate([plan]);
    const s3 = sandboxClients(estate, SINGAPORE, `arn:aws:iam::${ACCOUNT}:root`).s3;
    const written = await s3.send(put(body));

    await expect(
      s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: written.VersionId })),
    ).rejects.toMatchObject({ name: "AccessDenied", message: expect.stringMatching(/object lock/) });
    await expect(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))).rejects.toMatchObject({
      name: "AccessDenied",
    });
  });

  it("requires an integrity header on a put with a retention, as S3 does", async () => {
    const { estate } = buildEstate([plan]);
    const s3 = sandboxClients(estate, SINGAPORE, WRITER).s3;

    await expect(s3.send(put(body, { ChecksumAlgorithm: undefined }))).rejects.toMatchObject({
      name: "InvalidRequest",
      message: expect.stringMatching(/Content-MD5/),
    });
  });

  it("applies the bucket's default COMPLIANCE retention to a put that names none", async () => {
    const { estate } = buildEstate([plan], { digestRetentionDays: 2 });
    const s3 = sandboxClients(estate, SINGAPORE, WRITER).s3;
    const written = await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, IfNoneMatch: "*" }),
    );
    const remove = () =>
      s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: written.VersionId }));

    await expect(remove()).rejects.toMatchObject({ message: expect.stringMatching(/object lock/) });
    await estate.clock.sleep(3 * DAY_MS);
    // Past the retention only the bucket policy's own deny remains.
    await expect(remove()).rejects.toMatchObject({ message: expect.stringMatching(/bucket policy/) });
  });
});

describe("a drill's digests", () => {
  it("ends each workflow with a signed digest in the region that ran it, chained and verifiable offline", async () => {
    const scenario = findScenario("region-outage");
    if (!scenario) throw new Error("scenario missing");
    const digests: Record<string, SignedDigest[]> = {};
    const keys: Record<string, string> = {};
    let headHashes: string[] = [];
    let scheduled: Array<{ plan: string; status: string }> = [];
    await runDrill({
      plan,
      scenario,
      failback: true,
      afterwards: async ({ built, controlPlane }) => {
        headHashes = (await controlPlane.audit.chain(plan.name)).map((record) => record.hash);
        for (const region of plan.regions) {
          digests[region] = await controlPlane.digests(region).list(plan.name, region);
          keys[region] = await new KmsDigestSigner(
            clientProvider(built.estate, `arn:aws:iam::${ACCOUNT}:user/auditor`),
            region,
            digestKeyAlias("sandbox"),
          ).publicKey();
        }
        scheduled = (await controlPlane.writeDigests()).map(({ plan: name, result }) => ({
          plan: name,
          status: result.status,
        }));
      },
    });

    // The failover ran in Singapore, the failback in Tokyo (the plan's home): each wrote its digest there.
    expect(digests[SINGAPORE]).toHaveLength(1);
    expect(digests[TOKYO]).toHaveLength(1);
    for (const region of plan.regions) {
      const [signed] = digests[region] ?? [];
      if (!signed) throw new Error(`no digest in ${region}`);
      expect(signatureHolds(signed, keys[region] ?? "")).toBe(true);
      expect(signed.digest.previousDigestHash).toBeNull();
      expect(headHashes[signed.digest.headSeq]).toBe(signed.digest.headHash);
      expect(digestKey(signed.digest)).toBe(
        `kirikae/digests/${plan.name}/${region}/${signed.digest.digestAt}.json`,
      );
    }
    // A digest signed with the other region's key does not verify: each region's key is its own.
    expect(signatureHolds(digests[TOKYO]?.[0] as SignedDigest, keys[SINGAPORE] ?? "")).toBe(false);
    // The hourly run in Singapore covers what happened since, chained to Singapore's last digest.
    expect(scheduled).toEqual([{ plan: plan.name, status: "written" }]);
  });

  it("chains a region's digests: each names the previous one's hash", async () => {
    const scenario = findScenario("region-outage");
    if (!scenario) throw new Error("scenario missing");
    let chained: SignedDigest[] = [];
    await runDrill({
      plan,
      scenario,
      afterwards: async ({ built, controlPlane }) => {
        await controlPlane.writeDigests();
        await built.estate.clock.sleep(60 * 60_000);
        chained = await controlPlane.digests(SINGAPORE).list(plan.name, SINGAPORE);
      },
    });

    expect(chained.length).toBeGreaterThanOrEqual(2);
    chained.slice(1).forEach((signed, index) => {
      expect(signed.digest.previousDigestHash).toBe(digestHash((chained[index] as SignedDigest).digest));
    });
  });
});
