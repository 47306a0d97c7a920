import { constants, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildTrailExport } from "../../core/audit/export-trail.js";
import { chainRecord, hashRecord } from "../../core/audit/hash-chain.js";
import { writeDigest } from "../../core/audit/write-digest.js";
import type { Clock } from "../../core/clock.js";
import type { AuditEntry, AuditRecord } from "../../core/ports/audit.js";
import type { DigestSignerPort, DigestStorePort, SignedDigest } from "../../core/ports/digests.js";
import { runKirikae } from "../support/run-kirikae.js";

const PLAN = "shop";
const RECOVERY = "ap-southeast-1";
const HOME = "ap-northeast-1";

interface KeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

/** A signer as KMS signs RSASSA_PSS_SHA_256: SHA-256, MGF1 SHA-256, a 32-byte salt. */
function signerOf(keys: KeyPair, keyId: string): DigestSignerPort {
  return {
    sign: async (message) => ({
      requestId: "req-sign",
      keyId,
      signature: sign("sha256", message, {
        key: keys.privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      }).toString("base64"),
    }),
    publicKey: async () => keys.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

/** One region's table, as the DynamoDB adapter reads it back: records with their stored index keys. */
function memoryTrail() {
  const records: AuditRecord[] = [];
  return {
    records,
    append: async (entry: AuditEntry) => {
      const record = chainRecord(entry, records.at(-1));
      records.push(record);
      return record;
    },
    chain: async () =>
      records.map((record) => ({
        ...record,
        indexed: { day: record.at.slice(0, 10), seqKey: String(record.seq).padStart(12, "0") },
      })),
    query: async () => records,
  };
}

function memoryStore(): DigestStorePort & { all: SignedDigest[] } {
  const all: SignedDigest[] = [];
  return {
    all,
    put: async (digest) => {
      all.push(digest);
      return { requestId: "req-put" };
    },
    list: async (plan, region) =>
      all.filter((signed) => signed.digest.plan === plan && signed.digest.region === region),
  };
}

function clockAt(start: string): Clock & { advance(seconds: number): void } {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
    },
    advance: (seconds) => {
      now += seconds * 1000;
    },
  };
}

/**
 * A failover recorded in the recovery region and a failback in the home region, each digested at its end
 * and once more on the schedule, exactly as write-digest does it, then exported.
 */
async function exportedTrail(keys: KeyPair, directory: string): Promise<void> {
  const clock = clockAt("2026-11-23T23:58:00.000Z");
  const regions = [];
  for (const [region, kind] of [
    [RECOVERY, "failover"],
    [HOME, "failback"],
  ] as const) {
    const trail = memoryTrail();
    const store = memoryStore();
    const deps = {
      audit: trail,
      signer: signerOf(keys, `arn:aws:kms:${region}:111122223333:key/audit`),
      store,
      clock,
      actor: "arn:aws:sts::111122223333:assumed-role/kirikae-test-tasks/digest",
      region,
    };
    const record = (action: string, details: Record<string, unknown> = {}) => {
      clock.advance(40);
      return trail.append({
        plan: PLAN,
        executionId: `exec-${kind}`,
        kind: action.includes(":") ? "outcome" : "decision",
        action,
        actor: "arn:aws:sts::111122223333:assumed-role/kirikae-test-tasks/step",
        at: clock.now().toISOString(),
        region,
        outcome: "ok",
        details,
      });
    };
    await record(`${kind}.started`, { initiator: "arn:aws:iam::111122223333:user/oncall-engineer" });
    await record("rds:SwitchoverGlobalCluster");
    await record("eks:UpdateNodegroupConfig");
    await record("route53:ChangeResourceRecordSets");
    await record(`${kind}.succeeded`, { achievedRtoSeconds: 312 });
    await writeDigest(deps, PLAN);
    await record("evidence.linked");
    await writeDigest(deps, PLAN);
    regions.push({
      region,
      chain: await trail.chain(),
      digests: store.all,
      publicKeyPem: await deps.signer.publicKey(),
    });
  }
  const built = buildTrailExport({ plan: PLAN, exportedAt: clock.now().toISOString(), regions });
  for (const [file, content] of built.files) {
    const path = join(directory, ...file.split("/"));
    await mkdir(join(path, ".."), { recursive: true });
    await writeFile(path, content);
  }
}

/** The records of one region's export, as an attacker reads and rewrites them. */
async function readLines(directory: string, region: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(directory, region, "records.jsonl"), "utf8");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Writes the records back as an attacker with the source code would: renumbered from `renumberFrom`,
 * every hash after the first edit recomputed so the hash chain alone holds.
 */
async function rewrite(
  directory: string,
  region: string,
  items: Array<Record<string, unknown>>,
  options: { recomputeFrom?: number; renumber?: boolean } = {},
): Promise<void> {
  let previousHash: string | undefined;
  const out = items.map((item, index) => {
    const seq = options.renumber ? index : Number(item.seq);
    const next: Record<string, unknown> = { ...item, seq: String(seq).padStart(12, "0") };
    if (options.recomputeFrom !== undefined && seq >= options.recomputeFrom) {
      const { seq: _seq, prevHash: _prev, hash: _hash, day: _day, ...entry } = next;
      const prevHash = previousHash ?? (item.prevHash as string);
      next.prevHash = prevHash;
      next.hash = hashRecord(entry as unknown as AuditEntry, seq, prevHash);
    }
    previousHash = next.hash as string;
    return next;
  });
  await writeFile(
    join(directory, region, "records.jsonl"),
    out.map((item) => `${JSON.stringify(item)}\n`).join(""),
  );
}

async function verifyOffline(directory: string) {
  return runKirikae(["audit", "verify", "--offline", directory]);
}

describe("audit verify --offline against someone who rewrites the exported trail", () => {
  let keys: KeyPair;
  let directory: string;

  beforeAll(() => {
    keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  });

  afterEach(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  async function freshExport(): Promise<string> {
    directory = await mkdtemp(join(tmpdir(), "kirikae-tamper-"));
    await exportedTrail(keys, directory);
    return directory;
  }

  it("verifies the untouched export of both regions (exit 0)", async () => {
    const dir = await freshExport();

    const result = await verifyOffline(dir);

    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("✓ audit export of shop");
    expect(result.stdout).toContain(`${RECOVERY} `);
    expect(result.stdout).toContain(`${HOME} `);
    expect(result.code).toBe(0);
  });

  it("names the record whose achieved RTO was changed even with every hash after it recomputed", async () => {
    const dir = await freshExport();
    const items = await readLines(dir, RECOVERY);
    const succeeded = items.findIndex((item) => item.action === "failover.succeeded");
    items[succeeded] = { ...items[succeeded], details: { achievedRtoSeconds: 42 } };
    await rewrite(dir, RECOVERY, items, { recomputeFrom: succeeded });

    const result = await verifyOffline(dir);

    expect(result.code).toBe(1);
    // The hash chain holds (the attacker recomputed it): only the signed digest catches the edit.
    expect(result.stdout).not.toContain("caught by the hash chain");
    expect(result.stdout).toMatch(
      new RegExp(
        `${RECOVERY}, record 0: records 0-${succeeded} no longer match what digest 1 .*caught by the signed digest`,
      ),
    );
  });

  it("names the record of a careless edit that left the hashes alone", async () => {
    const dir = await freshExport();
    const items = await readLines(dir, HOME);
    items[2] = { ...items[2], actor: "arn:aws:iam::111122223333:user/someone-else" };
    await rewrite(dir, HOME, items);

    const result = await verifyOffline(dir);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${HOME}, record 2: record 2's content does not match its hash`);
  });

  it("catches two records swapped and rehashed", async () => {
    const dir = await freshExport();
    const items = await readLines(dir, RECOVERY);
    const [second, third] = [items[1], items[2]];
    if (!second || !third) throw new Error("export too short");
    items[1] = { ...third, seq: second.seq };
    items[2] = { ...second, seq: third.seq };
    await rewrite(dir, RECOVERY, items, { recomputeFrom: 1 });

    const result = await verifyOffline(dir);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(`${RECOVERY}, record 0: records 0-\\d+ no longer match what digest 1`),
    );
  });

  it("catches a record deleted and the rest renumbered", async () => {
    const dir = await freshExport();
    const items = await readLines(dir, RECOVERY);
    const dnsChange = items.findIndex((item) => item.action === "route53:ChangeResourceRecordSets");
    items.splice(dnsChange, 1);
    await rewrite(dir, RECOVERY, items, { recomputeFrom: dnsChange, renumber: true });

    const result = await verifyOffline(dir);

    expect(result.code).toBe(1);
    // The first digest whose head moved names the first record affected; later ones fail as a consequence.
    expect(result.stdout).toMatch(new RegExp(`${RECOVERY}, record 0: records 0-\\d+ no longer match`));
  });

  it("catches a forged record inserted in the middle", async () => {
    const dir = await freshExport();
    const items = await readLines(dir, HOME);
    const template = items[1];
    if (!template) throw new Error("export too short");
    items.splice(2, 0, {
      ...template,
      action: "failback.approved",
      actor: "arn:aws:iam::111122223333:user/forger",
    });
    await rewrite(dir, HOME, items, { recomputeFrom: 2, renumber: true });

    const result = await verifyOffline(dir);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(`${HOME}, record 0: records 0-\\d+ no longer match what digest 1`),
    );
  });

  it("reports a forged record appended after the last signed head as not covered by any digest", async () => {
    const dir = await freshExport();
    const items = await readLines(dir, RECOVERY);
    const last = items.at(-1);
    if (!last) throw new Error("export empty");
    items.push({
      ...last,
      kind: "decision",
      action: "failover.succeeded",
      details: { achievedRtoSeconds: 42 },
    });
    await rewrite(dir, RECOVERY, items, { recomputeFrom: items.length - 1, renumber: true });

    const result = await verifyOffline(dir);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `${RECOVERY}, record ${items.length - 1}: records ${items.length - 1} come after the last signed digest's head`,
    );
  });

  it("catches the tail cut off", async () => {
    const dir = await freshExport();
    const items = await readLines(dir, HOME);
    const kept = items.slice(0, 3);
    await rewrite(dir, HOME, kept);

    const result = await verifyOffline(dir);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(`${HOME}, record 3: records 3-\\d+ are missing: digest 1 .* the tail was cut off`),
    );
  });

  it("catches a digest replaced by one signed with another key", async () => {
    const dir = await freshExport();
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const digestDir = join(dir, RECOVERY, "digests");
    const [file] = (await readdir(digestDir)).sort().reverse();
    if (!file) throw new Error("no digest");
    const signed = JSON.parse(await readFile(join(digestDir, file), "utf8")) as SignedDigest;
    const forged = (await signerOf(other, signed.keyId).sign(new TextEncoder().encode("x"))).signature;
    const resigned = await signerOf(other, signed.keyId).sign(
      (await import("../../core/audit/digest-bytes.js")).digestBytes(signed.digest),
    );
    expect(forged).not.toBe(resigned.signature);
    await writeFile(join(digestDir, file), JSON.stringify({ ...signed, signature: resigned.signature }));

    const result = await verifyOffline(dir);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(`${RECOVERY}, digest ${signed.digest.digestAt}: digest 2 .* is not signed by the audit key`),
    );
  });

  it("catches a missing digest as records no digest covers", async () => {
    const dir = await freshExport();
    const digestDir = join(dir, HOME, "digests");
    const [last] = (await readdir(digestDir)).sort().reverse();
    if (!last) throw new Error("no digest");
    await unlink(join(digestDir, last));

    const result = await verifyOffline(dir);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain("is missing from the export");
  });

  it("catches a record hidden from date queries by its day attribute", async () => {
    const dir = await freshExport();
    const items = await readLines(dir, RECOVERY);
    items[3] = { ...items[3], day: "2020-01-01" };
    await rewrite(dir, RECOVERY, items);

    const result = await verifyOffline(dir);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `${RECOVERY}, record 3: record 3's day attribute says 2020-01-01, its signed content says`,
    );
    expect(result.stdout).toContain("caught by the indexed attribute");
  });
});

describe("kirikae drill --audit-out", () => {
  it("writes an export of the drill's trail that verifies offline with no AWS access, and fails once edited", async () => {
    const directory = await mkdtemp(join(tmpdir(), "kirikae-drill-audit-"));
    try {
      const drill = await runKirikae(["drill", "--no-failback", "--json", "--audit-out", directory]);
      expect(drill.code).toBe(0);

      const clean = await runKirikae(["audit", "verify", "--offline", directory]);
      expect(clean.stdout).toContain("✓ audit export of");
      expect(clean.code).toBe(0);

      const [region] = (await readdir(directory)).filter((entry) => entry !== "manifest.json");
      if (!region) throw new Error("no region in the export");
      const items = await readLines(directory, region);
      const succeeded = items.findIndex((item) => String(item.action).endsWith(".succeeded"));
      expect(succeeded).toBeGreaterThanOrEqual(0);
      items[succeeded] = { ...items[succeeded], outcome: "failed" };
      await rewrite(directory, region, items, { recomputeFrom: succeeded });

      const edited = await runKirikae(["audit", "verify", "--offline", directory]);
      expect(edited.code).toBe(1);
      expect(edited.stdout).toContain("caught by the signed digest");
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
