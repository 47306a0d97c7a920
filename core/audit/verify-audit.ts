import type { AuditReaderPort, AuditRecord } from "../ports/audit.js";
import type { DigestStorePort } from "../ports/digests.js";
import type { TrailEvidence } from "../ports/evidence.js";
import { TransientAwsError } from "../workflow/workflow-errors.js";
import { type EvidenceDeps, linkEvidence } from "./link-evidence.js";
import { type ChainProblem, verifyChain } from "./verify-chain.js";
import { type RegionVerification, type TrailFinding, verifyDigests } from "./verify-digests.js";

export interface AuditVerification {
  ok: boolean;
  /** Changed, missing or relinked records of each plan's hash chain. */
  brokenChain: Array<ChainProblem & { plan: string }>;
  /**
   * Each region's chain checked against its signed digests (when `scope.trails` names them): what
   * someone able to write the table and recompute every hash cannot hide.
   */
  trails: RegionVerification[];
  /** The findings of `trails`, each naming the first record or digest affected and what caught it. */
  tampered: TrailFinding[];
  /** kirikae's calls with no CloudTrail event after the delivery window. */
  unwitnessed: AuditRecord[];
  /** Mutating calls by kirikae's roles that kirikae has no record of: someone used its identity. */
  unaudited: TrailEvidence[];
  /** Regions whose CloudTrail did not answer (a region that is down): checked on a later run. */
  unreadableRegions: Array<{ region: string; error: string }>;
  linked: number;
  /** Who started each hand-started workflow, read from CloudTrail in this run. */
  initiators: Array<{ executionId: string; initiator: string }>;
}

export interface VerifyScope {
  plans: string[];
  /** The regions whose CloudTrail to read: the plans' regions, and us-east-1 for Route 53. */
  regions: string[];
  /** Role names of kirikae's functions (a trailing `*` matches a prefix); their calls must all be in the trail. */
  roleNames: string[];
  since: Date;
  until: Date;
  /** Each region's trail of the plans and its signed digests: both regions of a plan are checked together. */
  trails?: SignedTrailSource[];
}

/** One region's audit table and the digests signed over its chains. */
export interface SignedTrailSource {
  region: string;
  audit: Pick<AuditReaderPort, "chain">;
  digests: Pick<DigestStorePort, "list">;
  /** The audit key's public half, PEM. */
  publicKey(): Promise<string>;
}

/**
 * `audit verify`: links what can be linked first, then reports the three ways the trail and CloudTrail
 * can disagree. Each finding names the record or the event, so a person can look it up. A region whose
 * CloudTrail does not answer is listed, not failed on: during an outage that is expected, and kirikae's
 * own calls never go there.
 */
export async function verifyAudit(deps: EvidenceDeps, scope: VerifyScope): Promise<AuditVerification> {
  const brokenChain: AuditVerification["brokenChain"] = [];
  const unwitnessed: AuditRecord[] = [];
  const knownRequestIds = new Set<string>();
  let linked = 0;
  const initiators: AuditVerification["initiators"] = [];
  for (const plan of scope.plans) {
    const result = await linkEvidence(deps, plan);
    linked += result.linked;
    initiators.push(...result.initiators);
    unwitnessed.push(...result.missing);
    const chain = await deps.audit.chain(plan);
    brokenChain.push(...verifyChain(chain).map((problem) => ({ ...problem, plan })));
    for (const record of chain) if (record.requestId) knownRequestIds.add(record.requestId);
  }
  const trails: RegionVerification[] = [];
  for (const source of scope.trails ?? []) {
    const publicKeyPem = await source.publicKey();
    for (const plan of scope.plans) {
      const records = await source.audit.chain(plan);
      for (const record of records) if (record.requestId) knownRequestIds.add(record.requestId);
      const digests = await source.digests.list(plan, source.region);
      trails.push(verifyDigests({ plan, region: source.region, records, digests, publicKeyPem }));
    }
  }
  const tampered = trails.flatMap((trail) => trail.findings);
  const unaudited: TrailEvidence[] = [];
  const unreadableRegions: AuditVerification["unreadableRegions"] = [];
  for (const region of scope.regions) {
    let events: TrailEvidence[];
    try {
      events = await deps.evidence.events({ region, start: scope.since, end: scope.until });
    } catch (error) {
      if (!(error instanceof TransientAwsError)) throw error;
      unreadableRegions.push({ region, error: error.message });
      continue;
    }
    unaudited.push(
      ...events.filter(
        // A call that failed changed nothing; throttled retries of audited calls land here too.
        (event) =>
          !event.readOnly &&
          !event.errorCode &&
          isKirikaeRole(scope.roleNames, roleNameOf(event.userIdentityArn)) &&
          !(event.requestId && knownRequestIds.has(event.requestId)),
      ),
    );
  }
  return {
    ok:
      brokenChain.length === 0 && tampered.length === 0 && unwitnessed.length === 0 && unaudited.length === 0,
    brokenChain,
    trails,
    tampered,
    unwitnessed,
    unaudited,
    unreadableRegions,
    linked,
    initiators,
  };
}

function isKirikaeRole(patterns: readonly string[], role: string): boolean {
  return (
    role !== "" &&
    patterns.some((pattern) =>
      pattern.endsWith("*") ? role.startsWith(pattern.slice(0, -1)) : role === pattern,
    )
  );
}

/** arn:aws:sts::123:assumed-role/ROLE/SESSION -> ROLE */
function roleNameOf(arn: string | undefined): string {
  const match = /:assumed-role\/([^/]+)\//.exec(arn ?? "");
  return match?.[1] ?? "";
}
