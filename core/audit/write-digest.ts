import type { Clock } from "../clock.js";
import { KirikaeError, type KirikaeErrorOptions } from "../errors.js";
import type { AuditPort, AuditReaderPort, AuditRecord } from "../ports/audit.js";
import type { ChainDigest, DigestSignerPort, DigestStorePort, SignedDigest } from "../ports/digests.js";
import type { NotifierPort } from "../ports/workflows.js";
import { auditedAction } from "./audited-action.js";
import { digestBytes, digestHash, digestKey } from "./digest-bytes.js";
import { GENESIS_HASH } from "./hash-chain.js";

/** The action of a digest's own audit records: the store's write (an S3 data event, never in LookupEvents). */
export const DIGEST_ACTION = "s3:PutObject";
/** Digests are not tied to one workflow run: the scheduled writer's records carry this execution ID. */
const NO_EXECUTION = "-";

export interface WriteDigestDeps {
  /** This control plane's audit table: the chain a digest covers, and where its record is appended. */
  audit: AuditPort & AuditReaderPort;
  signer: DigestSignerPort;
  store: DigestStorePort;
  clock: Clock;
  /** Who writes the digest, recorded on its audit records. */
  actor: string;
  /** The region of this control plane's audit table: the chain's region in the digest. */
  region: string;
}

export type DigestResult =
  | { status: "written"; digest: SignedDigest; hash: string; key: string }
  | { status: "unchanged"; headSeq: number };

/** A digest could not be written: the chain stays checkable up to the last digest, and a person is told. */
export class DigestWriteError extends KirikaeError {
  constructor(message: string, options: KirikaeErrorOptions = {}) {
    super(message, {
      action:
        "check the digest bucket and signing key exist (npx sst deploy) and the function's role may kms:Sign and s3:PutObject; the next scheduled run writes the digest",
      ...options,
    });
    this.name = "DigestWriteError";
  }
}

/**
 * Writes a signed digest of one plan's chain in this region, as CloudTrail's digest files do for its logs:
 *   1. read the chain and the digests already stored (the last one is what this digest chains to)
 *   2. skip when nothing changed since the last digest: the same head, or a head that is only the last
 *      digest's own audit records (otherwise every run would digest its own record of the previous run)
 *   3. build the digest (head, count, time range, the previous digest's hash) and sign its canonical bytes
 *   4. store it (Object Lock: it can be neither overwritten nor deleted before its retention ends), between
 *      an intent and an outcome record holding the digest's hash and key ID.
 * Those records change the chain's head after the digest was made: the NEXT digest covers them.
 */
export async function writeDigest(deps: WriteDigestDeps, plan: string): Promise<DigestResult> {
  const { region } = deps;
  let chain: AuditRecord[];
  let previous: SignedDigest | undefined;
  try {
    chain = [...(await deps.audit.chain(plan))].sort((a, b) => a.seq - b.seq);
    previous = (await deps.store.list(plan, region)).at(-1);
  } catch (error) {
    throw new DigestWriteError(`could not read the chain or the digests of ${plan} in ${region}`, {
      cause: error,
    });
  }
  const head = chain.at(-1);
  if (previous && unchangedSince(previous, chain)) {
    return { status: "unchanged", headSeq: previous.digest.headSeq };
  }
  const first = chain[0];
  const digest: ChainDigest = {
    version: 1,
    plan,
    region,
    headSeq: head ? head.seq : -1,
    headHash: head ? head.hash : GENESIS_HASH,
    recordCount: chain.length,
    ...(first ? { firstAt: first.at } : {}),
    ...(head ? { lastAt: head.at } : {}),
    digestAt: deps.clock.now().toISOString(),
    previousDigestHash: previous ? digestHash(previous.digest) : null,
  };
  const hash = digestHash(digest);
  const key = digestKey(digest);
  let signed: SignedDigest;
  let signRequestId: string;
  try {
    const signature = await deps.signer.sign(digestBytes(digest));
    signed = {
      digest,
      signature: signature.signature,
      keyId: signature.keyId,
      algorithm: "RSASSA_PSS_SHA_256",
    };
    signRequestId = signature.requestId;
  } catch (error) {
    throw new DigestWriteError(`could not sign the digest of ${plan} in ${region}`, { cause: error });
  }
  const scope = {
    clock: deps.clock,
    audit: deps.audit,
    actor: deps.actor,
    plan: { name: plan },
    execution: { id: NO_EXECUTION },
  };
  const facts = { digestHash: hash, keyId: signed.keyId, headSeq: digest.headSeq, headHash: digest.headHash };
  try {
    await auditedAction(
      scope,
      { action: DIGEST_ACTION, resource: key, region, details: { ...facts, signRequestId }, after: facts },
      () => deps.store.put(signed),
    );
  } catch (error) {
    throw new DigestWriteError(`could not store the digest of ${plan} in ${region} at ${key}`, {
      cause: error,
    });
  }
  return { status: "written", digest: signed, hash, key };
}

/**
 * Nothing to digest: the chain's head is the last digest's head, or everything after it is that digest's
 * own intent and outcome records (same key, so a failed attempt at another digest still counts as change).
 */
function unchangedSince(previous: SignedDigest, chain: readonly AuditRecord[]): boolean {
  const after = chain.filter((record) => record.seq > previous.digest.headSeq);
  const headAtDigest = chain.find((record) => record.seq === previous.digest.headSeq);
  const sameBase = previous.digest.headSeq === -1 ? true : headAtDigest?.hash === previous.digest.headHash;
  const ownKey = digestKey(previous.digest);
  return (
    sameBase &&
    after.every(
      (record) =>
        record.action === DIGEST_ACTION && record.resource === ownKey && record.outcome !== "failed",
    )
  );
}

export interface DigestAlarmDeps {
  audit: AuditPort;
  notifier: NotifierPort;
  clock: Clock;
  actor: string;
}

/**
 * A workflow's end writes a digest, but its outcome stands whatever happens to the digest: a failure is
 * recorded in the trail (the next digest covers that record) and the on-call engineer is told; the
 * scheduled writer tries again within the hour. Never throws.
 */
export async function writeDigestAtEnd(
  deps: DigestAlarmDeps & { writeDigest(plan: string): Promise<DigestResult> },
  plan: string,
  executionId: string,
): Promise<DigestResult | { status: "failed"; error: string }> {
  try {
    return await deps.writeDigest(plan);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const name = error instanceof Error ? error.name : "UnknownError";
    try {
      await deps.audit.append({
        plan,
        executionId,
        kind: "decision",
        action: "audit.digest-failed",
        actor: deps.actor,
        at: deps.clock.now().toISOString(),
        outcome: "failed",
        error: { name, message },
      });
      await deps.notifier.notify(
        `kirikae: ${plan}: the audit digest was not written`,
        `The signed digest of ${plan}'s audit trail could not be written: ${message}. The workflow's outcome ` +
          "stands; the scheduled digest writer tries again within the hour. " +
          (error instanceof KirikaeError && error.action ? `What to do: ${error.action}` : ""),
        { plan, executionId, error: name },
      );
    } catch {
      // The trail or the topic is down too: the workflow's own outcome is already recorded; nothing more to do here.
    }
    return { status: "failed", error: `${name}: ${message}` };
  }
}

export interface PlanDigestResult {
  plan: string;
  result: DigestResult | { status: "failed"; error: string };
}

/**
 * The scheduled run (hourly, as CloudTrail delivers its digest files): a digest for every plan this
 * region's control plane serves, one plan's failure recorded and notified without stopping the others.
 */
export async function writeDigestsForPlans(
  deps: DigestAlarmDeps & { writeDigest(plan: string): Promise<DigestResult> },
  plans: readonly string[],
): Promise<PlanDigestResult[]> {
  const results: PlanDigestResult[] = [];
  for (const plan of plans) {
    results.push({ plan, result: await writeDigestAtEnd(deps, plan, NO_EXECUTION) });
  }
  return results;
}
