import type { MutationReceipt } from "./global-database.js";

/**
 * A digest of one plan's chain as one region's audit table holds it (each region appends its own chain),
 * in the spirit of CloudTrail's digest files: what the chain was at a moment, and the previous digest's
 * hash, so digests chain too and a missing or replaced one shows.
 */
export interface ChainDigest {
  version: 1;
  plan: string;
  /** The region whose audit table holds the chain. */
  region: string;
  /** The chain's last record when the digest was made; -1 and the genesis hash for an empty chain. */
  headSeq: number;
  headHash: string;
  recordCount: number;
  /** The `at` of the chain's first and last records (absent for an empty chain). */
  firstAt?: string;
  lastAt?: string;
  digestAt: string;
  /** sha256 (hex) of the previous digest's canonical bytes; null for the plan's first digest in that region. */
  previousDigestHash: string | null;
}

/** A digest with its signature (base64) by an asymmetric KMS key, RSASSA_PSS_SHA_256 over its canonical bytes. */
export interface SignedDigest {
  digest: ChainDigest;
  signature: string;
  keyId: string;
  algorithm: "RSASSA_PSS_SHA_256";
}

/** Signs with a key whose private half never leaves KMS; the public half is exported for auditors. */
export interface DigestSignerPort {
  sign(message: Uint8Array): Promise<MutationReceipt & { signature: string; keyId: string }>;
  /** The public key, PEM (SPKI). */
  publicKey(): Promise<string>;
}

/**
 * Where digests are kept: a bucket with Object Lock in compliance mode, so that once written a digest
 * can be neither overwritten nor deleted before its retention ends, by anyone.
 */
export interface DigestStorePort {
  put(digest: SignedDigest): Promise<MutationReceipt>;
  /** Every digest of a plan in a region, oldest first. */
  list(plan: string, region: string): Promise<SignedDigest[]>;
}
