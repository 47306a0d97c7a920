import { createHash } from "node:crypto";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { ReportStorePort } from "../../core/ports/reports.js";
import { callAws, requestIdOf } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/**
 * Incident reports in the control plane's Object Lock bucket, under `kirikae/reports/`. The bucket's
 * default COMPLIANCE retention applies, so a report, like a digest, can be neither replaced nor deleted
 * for as long; S3 wants an integrity header on such a put (S3 user guide, "Using S3 Object Lock"), and the
 * bucket policy a put that never overwrites (If-None-Match).
 */
export class S3ReportStore implements ReportStorePort {
  constructor(
    private readonly clients: ClientProvider,
    private readonly region: string,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: string, contentType: string) {
    const output = await callAws({ action: "s3:PutObject", resource: `${this.bucket}/${key}` }, () =>
      this.clients
        .forRegion(this.region)
        .get(S3Client)
        .send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: body,
            ContentType: contentType,
            ContentMD5: createHash("md5").update(body).digest("base64"),
            IfNoneMatch: "*",
          }),
        ),
    );
    return { requestId: requestIdOf(output), location: `s3://${this.bucket}/${key}` };
  }
}
