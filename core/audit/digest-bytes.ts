import { createHash } from "node:crypto";
import type { ChainDigest } from "../ports/digests.js";
import { canonicalJson } from "./hash-chain.js";

/** Where every digest is kept, in each control-plane region's digest bucket. */
export const DIGEST_PREFIX = "kirikae/digests/";

/**
 * The bytes a digest is signed over and hashed as: its canonical JSON (keys sorted at every level), so a
 * verifier with no AWS access rebuilds exactly what KMS signed from the stored JSON alone.
 */
export function digestBytes(digest: ChainDigest): Uint8Array {
  return new TextEncoder().encode(canonicalJson(digest));
}

/** sha256 (hex) of a digest's canonical bytes: what the next digest names as `previousDigestHash`. */
export function digestHash(digest: ChainDigest): string {
  return createHash("sha256").update(digestBytes(digest)).digest("hex");
}

/**
 * The object key of a digest: `kirikae/digests/<plan>/<region>/<digestAt>.json`. ISO times sort as
 * strings, and ListObjectsV2 returns keys in UTF-8 binary order, so a listing is oldest first.
 */
export function digestKey(digest: Pick<ChainDigest, "plan" | "region" | "digestAt">): string {
  return `${digestListPrefix(digest.plan, digest.region)}${digest.digestAt}.json`;
}

export function digestListPrefix(plan: string, region: string): string {
  return `${DIGEST_PREFIX}${plan}/${region}/`;
}
