import { NoSuchBucket, type PutObjectOutput } from "@aws-sdk/client-s3";
import {
  errorMetadata,
  type ModelContext,
  type SandboxCall,
  type ServiceModel,
  type TrailResource,
} from "../service-model.js";

export interface S3Seed {
  buckets: Array<{ name: string; region: string; objects?: Record<string, string> }>;
}

interface Version {
  body: string;
  at: number;
}

interface Bucket {
  name: string;
  region: string;
  objects: Map<string, Version[]>;
}

/**
 * Just enough S3 for object gates: PutObject in the bucket's own region, and the body an HTTPS request to
 * the object would get, at any moment (S3 is strongly consistent for reads after writes: S3 user guide,
 * "Amazon S3 data consistency model"). A bucket is regional: its endpoint in another region answers with
 * a redirect, modelled as the SDK's error for a bucket it cannot reach there.
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
      for (const [key, body] of Object.entries(bucket.objects ?? {})) objects.set(key, [{ body, at: 0 }]);
      this.buckets.set(bucket.name, { name: bucket.name, region: bucket.region, objects });
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
      default:
        throw new Error(`the sandbox does not model s3:${call.operation}`);
    }
  }

  /** The body a request to the object gets at that moment, or undefined when there is none to get. */
  bodyAt(bucketName: string, key: string, atMs: number): string | undefined {
    const bucket = this.buckets.get(bucketName);
    if (!bucket || !this.context.isRegionUp(bucket.region)) return undefined;
    const versions = bucket.objects.get(key) ?? [];
    return versions.filter((version) => version.at <= atMs).at(-1)?.body;
  }

  private putObject(call: SandboxCall): Record<string, unknown> {
    const bucket = this.buckets.get(String(call.input.Bucket ?? ""));
    if (!bucket || bucket.region !== call.region) {
      throw new NoSuchBucket({
        message: `The specified bucket does not exist in ${call.region}`,
        $metadata: errorMetadata(call, 404),
      });
    }
    const key = String(call.input.Key ?? "");
    const versions = bucket.objects.get(key) ?? [];
    versions.push({ body: String(call.input.Body ?? ""), at: this.context.clock.now().getTime() });
    bucket.objects.set(key, versions);
    return { ETag: `"${versions.length}"` } satisfies PutObjectOutput;
  }
}
