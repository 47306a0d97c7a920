import { createHash } from "node:crypto";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { digestKey, digestListPrefix } from "../../core/audit/digest-bytes.js";
import type { Clock } from "../../core/clock.js";
import type { DigestStorePort, SignedDigest } from "../../core/ports/digests.js";
import { callAws, requestIdOf } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

const DAY_MS = 86_400_000;

/**
 * Digests in the control plane's Object Lock bucket, one JSON object each under
 * `kirikae/digests/<plan>/<region>/<digestAt>.json`. Each put sets its own retention in COMPLIANCE mode
 * (S3 user guide, "Using S3 Object Lock": no user, the root user included, can overwrite or delete a
 * version in compliance mode before its retain-until date), on top of the bucket's default retention.
 * S3 requires an integrity header on any put that sets a retention ("Content-MD5 or
 * x-amz-sdk-checksum-algorithm", PutObject API reference): Content-MD5 is sent, computed here.
 */
export class S3DigestStore implements DigestStorePort {
  constructor(
    private readonly clients: ClientProvider,
    private readonly region: string,
    private readonly bucket: string,
    private readonly clock: Clock,
    private readonly retentionDays: number,
  ) {}

  async put(signed: SignedDigest) {
    const key = digestKey(signed.digest);
    const body = `${JSON.stringify(signed, null, 2)}\n`;
    const output = await callAws({ action: "s3:PutObject", resource: `${this.bucket}/${key}` }, () =>
      this.clients
        .forRegion(this.region)
        .get(S3Client)
        .send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: body,
            ContentType: "application/json",
            ContentMD5: createHash("md5").update(body).digest("base64"),
            // A put never replaces a digest, not even as a newer version over a locked one: the bucket policy
            // denies a put without it (S3 user guide, "Preventing object overwrites with conditional writes").
            IfNoneMatch: "*",
            ObjectLockMode: "COMPLIANCE",
            ObjectLockRetainUntilDate: new Date(this.clock.now().getTime() + this.retentionDays * DAY_MS),
          }),
        ),
    );
    return { requestId: requestIdOf(output) };
  }

  async list(plan: string, region: string): Promise<SignedDigest[]> {
    const prefix = digestListPrefix(plan, region);
    const s3 = this.clients.forRegion(this.region).get(S3Client);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await callAws({ action: "s3:ListBucket", resource: `${this.bucket}/${prefix}` }, () =>
        s3.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      );
      keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    // ListObjectsV2 returns keys in UTF-8 binary order; ISO times in the keys make that oldest first.
    const digests: SignedDigest[] = [];
    for (const key of keys.sort()) {
      const object = await callAws({ action: "s3:GetObject", resource: `${this.bucket}/${key}` }, () =>
        s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })),
      );
      const text = (await object.Body?.transformToString("utf-8")) ?? "";
      digests.push(JSON.parse(text) as SignedDigest);
    }
    return digests;
  }
}
