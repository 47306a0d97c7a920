import { constants, generateKeyPairSync, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { digestBytes, digestHash } from "../../core/audit/digest-bytes.js";
import { chainRecord, GENESIS_HASH } from "../../core/audit/hash-chain.js";
import { type WriteDigestDeps, writeDigest, writeDigestAtEnd } from "../../core/audit/write-digest.js";
import type { AuditEntry, AuditRecord } from "../../core/ports/audit.js";
import type { SignedDigest } from "../../core/ports/digests.js";

const REGION = "ap-southeast-1";

/** A trail, a store and a signer in memory: the domain's whole view of the outside. */
function fakes(options: { failPut?: boolean } = {}) {
  const records: AuditRecord[] = [];
  const stored: SignedDigest[] = [];
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  let now = Date.parse("2026-05-01T00:00:00Z");
  const notes: string[] = [];
  const deps: WriteDigestDeps = {
    audit: {
      append: async (entry: AuditEntry) => {
        const record = chainRecord(entry, records.at(-1));
        records.push(record);
        return record;
      },
      chain: async () => [...records],
      query: async () => [],
    },
    signer: {
      sign: async (message) => ({
        requestId: "sign-1",
        keyId: "arn:aws:kms:ap-southeast-1:111122223333:key/test",
        signature: sign("sha256", message, {
          key: privateKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: 32,
        }).toString("base64"),
      }),
      publicKey: async () => publicKey.export({ type: "spki", format: "pem" }).toString(),
    },
    store: {
      put: async (digest) => {
        if (options.failPut) throw new Error("AccessDenied");
        stored.push(digest);
        return { requestId: `put-${stored.length}` };
      },
      list: async () => [...stored],
    },
    clock: {
      now: () => new Date(now),
      sleep: async (ms) => {
        now += ms;
      },
    },
    actor: "lambda:kirikae-test-writeDigests",
    region: REGION,
  };
  const step = (entry: Partial<AuditEntry> = {}) =>
    deps.audit.append({
      plan: "shop",
      executionId: "exec-1",
      kind: "decision",
      action: "failover.started",
      actor: "alarm",
      at: new Date(now).toISOString(),
      ...entry,
    });
  const tick = () => {
    now += 60_000;
  };
  const notifier = { notify: async (subject: string) => void notes.push(subject) };
  return { deps, records, stored, step, tick, publicKey, notifier, notes };
}

describe("writing signed digests of a plan's chain", () => {
  it("signs the chain's head, count and time range, verifiable with the public key over digestBytes", async () => {
    const { deps, step, stored, records, publicKey } = fakes();
    await step();
    await step({ kind: "execution", action: "failover.succeeded" });

    const result = await writeDigest(deps, "shop");

    expect(result.status).toBe("written");
    const [signed] = stored;
    expect(signed?.digest).toMatchObject({
      version: 1,
      plan: "shop",
      region: REGION,
      headSeq: 1,
      headHash: records[1]?.hash,
      recordCount: 2,
      firstAt: records[0]?.at,
      lastAt: records[1]?.at,
      previousDigestHash: null,
    });
    if (!signed) throw new Error("no digest stored");
    const valid = verify(
      "sha256",
      digestBytes(signed.digest),
      { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      Buffer.from(signed.signature, "base64"),
    );
    expect(valid).toBe(true);
  });

  it("records the digest in the trail with its hash and key ID, after the head it covers", async () => {
    const { deps, step, records } = fakes();
    await step();

    const result = await writeDigest(deps, "shop");

    if (result.status !== "written") throw new Error("expected a digest");
    const outcome = records.find((record) => record.kind === "outcome");
    expect(outcome).toMatchObject({
      action: "s3:PutObject",
      resource: `kirikae/digests/shop/${REGION}/${result.digest.digest.digestAt}.json`,
      requestId: "put-1",
      outcome: "ok",
      after: { digestHash: result.hash, keyId: "arn:aws:kms:ap-southeast-1:111122223333:key/test" },
    });
    expect(result.digest.digest.headSeq).toBeLessThan(outcome?.seq ?? 0);
  });

  it("chains each digest to the previous one's hash, and the next digest covers the previous digest's records", async () => {
    const { deps, step, tick, stored } = fakes();
    await step();
    await writeDigest(deps, "shop");
    tick();
    await step({ action: "failback.started" });

    await writeDigest(deps, "shop");

    const [first, second] = stored;
    if (!first || !second) throw new Error("expected two digests");
    expect(second.digest.previousDigestHash).toBe(digestHash(first.digest));
    // record 0, the first digest's intent and outcome (1, 2), then the failback record (3)
    expect(second.digest.headSeq).toBe(3);
    expect(second.digest.recordCount).toBe(4);
  });

  it("skips a plan whose chain did not change since its last digest, its own digest records aside", async () => {
    const { deps, step, tick, stored } = fakes();
    await step();
    await writeDigest(deps, "shop");
    tick();

    const again = await writeDigest(deps, "shop");

    expect(again).toEqual({ status: "unchanged", headSeq: 0 });
    expect(stored).toHaveLength(1);
  });

  it("digests an empty chain with the genesis hash, so a later deletion of everything still shows", async () => {
    const { deps, stored } = fakes();

    await writeDigest(deps, "shop");

    expect(stored[0]?.digest).toMatchObject({ headSeq: -1, headHash: GENESIS_HASH, recordCount: 0 });
    expect(stored[0]?.digest.firstAt).toBeUndefined();
  });

  it("at a workflow's end, records and notifies a digest that could not be stored, and does not throw", async () => {
    const { deps, step, records, notifier, notes } = fakes({ failPut: true });
    await step();

    const result = await writeDigestAtEnd(
      { ...deps, notifier, writeDigest: (plan) => writeDigest(deps, plan) },
      "shop",
      "exec-1",
    );

    expect(result).toMatchObject({ status: "failed", error: expect.stringContaining("DigestWriteError") });
    expect(records.at(-1)).toMatchObject({
      action: "audit.digest-failed",
      executionId: "exec-1",
      outcome: "failed",
    });
    expect(notes).toEqual(["kirikae: shop: the audit digest was not written"]);
  });
});
