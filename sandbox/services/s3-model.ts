import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import {
  AccessDenied,
  InvalidRequest,
  NoSuchBucket,
  NoSuchKey,
  type PutObjectOutput,
} from "@aws-sdk/client-s3";
import { serviceError } from "../estate.js";
import {
  errorMetadata,
  type ModelContext,
  type SandboxCall,
  type ServiceModel,
  type TrailResource,
} from "../service-model.js";

export interface S3Seed {
  buckets: Array<{
    name: string;
    region: string;
    objects?: Record<string, string>;
    /** Created with Object Lock enabled (versioning on, as Object Lock requires), as the digest buckets are. */
    objectLock?: {
      /** The bucket's default retention in COMPLIANCE mode, applied to a put that sets none. */
      defaultRetentionDays?: number;
      /**
       * The bucket policy kirikae deploys with it: PutObject only with If-None-Match (no new version over an
       * existing key) and no DeleteObject or DeleteObjectVersion for anyone, each an explicit deny.
       */
      denyOverwriteAndDelete?: boolean;
    };
  }>;
}

interface Version {
  versionId: string;
  body: string;
  at: number;
  /** Object Lock retention in COMPLIANCE mode: no one can delete this version before this time. */
  retainUntil?: number;
  deleteMarker?: boolean;
}

interface Bucket {
  name: string;
  region: string;
  objects: Map<string, Version[]>;
  objectLock?: NonNullable<S3Seed["buckets"][number]["objectLock"]>;
}

const DAY_MS = 86_400_000;

/**
 * Just enough S3 for object gates and the audit digests' Object Lock buckets: PutObject in the bucket's
 * own region, and the body an HTTPS request to the object would get, at any moment (S3 is strongly
 * consistent for reads after writes: S3 user guide, "Amazon S3 data consistency model"). A bucket is
 * regional: its endpoint in another region answers with a redirect, modelled as the SDK's error for a
 * bucket it cannot reach there.
 */
export class S3Model implements ServiceModel {
  readonly service = "s3" as const;
  readonly eventSource = "s3.amazonaws.com";
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly context: ModelContext,
    seed: S3Seed,
  ) {
    for (const bucket of seed.buckets) {
      const objects = new Map<string, Version[]>();
      for (const [key, body] of Object.entries(bucket.objects ?? {})) {
        objects.set(key, [{ versionId: "seed", body, at: 0 }]);
      }
      this.buckets.set(bucket.name, {
        name: bucket.name,
        region: bucket.region,
        objects,
        ...(bucket.objectLock ? { objectLock: bucket.objectLock } : {}),
      });
    }
  }

  /** Object writes are CloudTrail data events, which LookupEvents does not return: not modelled as events. */
  isMutating(): boolean {
    return false;
  }

  resourcesOf(call: SandboxCall): TrailResource[] {
    return typeof call.input.Bucket === "string"
      ? [{ ResourceType: "AWS::S3::Object", ResourceName: `${call.input.Bucket}/${String(call.input.Key)}` }]
      : [];
  }

  handle(call: SandboxCall): Record<string, unknown> {
    switch (call.operation) {
      case "PutObject":
        return this.putObject(call);
      case "GetObject":
        return this.getObject(call);
      case "ListObjectsV2":
        return this.listObjects(call);
      case "DeleteObject":
        return this.deleteObject(call);
      default:
        throw new Error(`the sandbox does not model s3:${call.operation}`);
    }
  }

  /** The body a request to the object gets at that moment, or undefined when there is none to get. */
  bodyAt(bucketName: string, key: string, atMs: number): string | undefined {
    const bucket = this.buckets.get(bucketName);
    if (!bucket || !this.context.isRegionUp(bucket.region)) return undefined;
    const versions = bucket.objects.get(key) ?? [];
    const current = versions.filter((version) => version.at <= atMs).at(-1);
    return current?.deleteMarker ? undefined : current?.body;
  }

  /**
   * PutObject. In an Object Lock bucket (S3 user guide, "Using S3 Object Lock"; PutObject API reference):
   *   - Object Lock parameters need an integrity header: Content-MD5 or a checksum, else InvalidRequest;
   *     a Content-MD5 that does not match the body is BadDigest;
   *   - a put never changes a locked version: it adds a version ("Object Lock works only in versioned
   *     buckets"); kirikae's bucket policy denies a put without If-None-Match, and with it a key that
   *     exists answers 412 PreconditionFailed (S3 user guide, "Preventing object overwrites with
   *     conditional writes"), so no digest gets a newer version over it;
   *   - a COMPLIANCE retention is kept with the version; the bucket's default applies when none is given.
   */
  private putObject(call: SandboxCall): Record<string, unknown> {
    const bucket = this.bucketFor(call);
    const key = String(call.input.Key ?? "");
    const body = bodyText(call.input.Body);
    const versions = bucket.objects.get(key) ?? [];
    const lockMode = call.input.ObjectLockMode;
    const retainUntil = call.input.ObjectLockRetainUntilDate;
    if ((lockMode !== undefined || retainUntil !== undefined) && !bucket.objectLock) {
      throw new InvalidRequest({
        message: "Bucket is missing Object Lock Configuration",
        $metadata: errorMetadata(call),
      });
    }
    if (
      lockMode !== undefined &&
      call.input.ContentMD5 === undefined &&
      call.input.ChecksumAlgorithm === undefined
    ) {
      throw new InvalidRequest({
        message:
          "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters",
        $metadata: errorMetadata(call),
      });
    }
    if (
      typeof call.input.ContentMD5 === "string" &&
      call.input.ContentMD5 !== createHash("md5").update(body).digest("base64")
    ) {
      throw serviceError(
        call,
        "BadDigest",
        "The Content-MD5 you specified did not match what we received.",
        400,
      );
    }
    if (lockMode !== undefined && lockMode !== "COMPLIANCE" && lockMode !== "GOVERNANCE") {
      throw new InvalidRequest({
        message: `Unknown object lock mode ${String(lockMode)}`,
        $metadata: errorMetadata(call),
      });
    }
    const exists = versions.length > 0 && !versions.at(-1)?.deleteMarker;
    if (bucket.objectLock?.denyOverwriteAndDelete && call.input.IfNoneMatch !== "*") {
      throw accessDenied(call, "explicit deny in the bucket policy: PutObject without If-None-Match");
    }
    if (call.input.IfNoneMatch === "*" && exists) {
      throw serviceError(
        call,
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        412,
      );
    }
    const now = this.context.clock.now().getTime();
    const lockedUntil =
      retainUntil instanceof Date
        ? retainUntil.getTime()
        : bucket.objectLock?.defaultRetentionDays
          ? now + bucket.objectLock.defaultRetentionDays * DAY_MS
          : undefined;
    const versionId = `v${versions.length + 1}`;
    versions.push({
      versionId,
      body,
      at: now,
      ...(lockedUntil === undefined ? {} : { retainUntil: lockedUntil }),
    });
    bucket.objects.set(key, versions);
    return {
      ETag: `"${createHash("md5").update(body).digest("hex")}"`,
      ...(bucket.objectLock ? { VersionId: versionId } : {}),
    } satisfies PutObjectOutput;
  }

  /** GetObject: the current version, or the one named; Body as the SDK's stream (transformToString). */
  private getObject(call: SandboxCall): Record<string, unknown> {
    const bucket = this.bucketFor(call);
    const key = String(call.input.Key ?? "");
    const versions = bucket.objects.get(key) ?? [];
    const version =
      typeof call.input.VersionId === "string"
        ? versions.find((candidate) => candidate.versionId === call.input.VersionId)
        : versions.at(-1);
    if (!version || version.deleteMarker) {
      throw new NoSuchKey({
        message: "The specified key does not exist.",
        $metadata: errorMetadata(call, 404),
      });
    }
    return {
      Body: sdkStream(version.body),
      ContentLength: Buffer.byteLength(version.body),
      ETag: `"${createHash("md5").update(version.body).digest("hex")}"`,
      ...(bucket.objectLock ? { VersionId: version.versionId } : {}),
      ...(version.retainUntil === undefined
        ? {}
        : { ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: new Date(version.retainUntil) }),
    };
  }

  /** ListObjectsV2: current keys under a prefix in UTF-8 binary order, up to MaxKeys (1,000) a page. */
  private listObjects(call: SandboxCall): Record<string, unknown> {
    const bucket = this.bucketFor(call);
    const prefix = String(call.input.Prefix ?? "");
    const maxKeys = Math.min(1000, Number(call.input.MaxKeys ?? 1000));
    const after = typeof call.input.ContinuationToken === "string" ? call.input.ContinuationToken : "";
    const keys = [...bucket.objects.entries()]
      .filter(([key, versions]) => key.startsWith(prefix) && key > after && !versions.at(-1)?.deleteMarker)
      .map(([key]) => key)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const page = keys.slice(0, maxKeys);
    const truncated = keys.length > maxKeys;
    return {
      Contents: page.map((key) => ({
        Key: key,
        Size: Buffer.byteLength(bucket.objects.get(key)?.at(-1)?.body ?? ""),
      })),
      KeyCount: page.length,
      IsTruncated: truncated,
      Prefix: prefix,
      ...(truncated ? { NextContinuationToken: page.at(-1) } : {}),
    };
  }

  /**
   * DeleteObject. A version under COMPLIANCE retention cannot be deleted by anyone before its retain-until
   * date: AccessDenied (S3 user guide, "Using S3 Object Lock", retention modes). Without a version ID, a
   * versioned bucket would add a delete marker; kirikae's digest buckets deny DeleteObject outright.
   */
  private deleteObject(call: SandboxCall): Record<string, unknown> {
    const bucket = this.bucketFor(call);
    const key = String(call.input.Key ?? "");
    const versions = bucket.objects.get(key) ?? [];
    const now = this.context.clock.now().getTime();
    if (typeof call.input.VersionId === "string") {
      const index = versions.findIndex((version) => version.versionId === call.input.VersionId);
      const version = versions[index];
      if (version?.retainUntil !== undefined && version.retainUntil > now) {
        throw accessDenied(call, "Access Denied because object protected by object lock.");
      }
      if (bucket.objectLock?.denyOverwriteAndDelete) {
        throw accessDenied(call, "explicit deny in the bucket policy: DeleteObjectVersion");
      }
      if (index >= 0) versions.splice(index, 1);
      return { VersionId: call.input.VersionId };
    }
    if (bucket.objectLock?.denyOverwriteAndDelete) {
      throw accessDenied(call, "explicit deny in the bucket policy: DeleteObject");
    }
    if (bucket.objectLock) {
      versions.push({ versionId: `v${versions.length + 1}`, body: "", at: now, deleteMarker: true });
      bucket.objects.set(key, versions);
      return { DeleteMarker: true };
    }
    bucket.objects.delete(key);
    return {};
  }

  private bucketFor(call: SandboxCall): Bucket {
    const bucket = this.buckets.get(String(call.input.Bucket ?? ""));
    if (!bucket || bucket.region !== call.region) {
      throw new NoSuchBucket({
        message: `The specified bucket does not exist in ${call.region}`,
        $metadata: errorMetadata(call, 404),
      });
    }
    return bucket;
  }
}

function accessDenied(call: SandboxCall, message: string): AccessDenied {
  return new AccessDenied({ message, $metadata: errorMetadata(call, 403) });
}

function bodyText(body: unknown): string {
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString("utf8");
  return String(body ?? "");
}

/** A GetObject Body as the SDK hands it: a Node stream with the SDK's stream mixin (transformToString, ...). */
function sdkStream(body: string) {
  const bytes = Buffer.from(body, "utf8");
  return Object.assign(Readable.from([bytes]), {
    transformToString: async (encoding: BufferEncoding = "utf-8") => bytes.toString(encoding),
    transformToByteArray: async () => new Uint8Array(bytes),
    transformToWebStream: () => Readable.toWeb(Readable.from([bytes])),
  });
}
