import { KmsDigestSigner } from "../../adapters/aws/kms-digest-signer.js";
import { DELIVERY_WINDOW_MS } from "../../core/audit/link-evidence.js";
import { type SignedTrailSource, verifyAudit } from "../../core/audit/verify-audit.js";
import type { Plan } from "../../core/plan/schema.js";
import { TransientAwsError } from "../../core/workflow/workflow-errors.js";
import { digestKeyAlias } from "../../infra/names.js";
import { accountOf } from "../build-estate.js";
import type { SandboxEstate } from "../estate.js";
import { clientProvider, SANDBOX_STAGE, type SandboxControlPlane } from "../sandbox-control-plane.js";
import type { DrillResult } from "./run-drill.js";

/**
 * Each region's signed digests and public key, read as an auditor would. Read ahead of any check: a
 * region still down when the drill ends cannot answer for its digests, and that is an outage, not
 * tampering; like its CloudTrail, it is listed and checked on a later run.
 */
export async function readSignedTrails(
  controlPlane: SandboxControlPlane,
  plan: Plan,
  estate: SandboxEstate,
): Promise<{ trails: SignedTrailSource[]; unreadableDigests: Array<{ region: string; error: string }> }> {
  const auditor = clientProvider(estate, `arn:aws:iam::${accountOf(plan)}:user/auditor`);
  const trails: SignedTrailSource[] = [];
  const unreadableDigests: Array<{ region: string; error: string }> = [];
  for (const region of plan.regions) {
    try {
      const [publicKeyPem, signed] = await estate.clock.busy(() =>
        Promise.all([
          new KmsDigestSigner(auditor, region, digestKeyAlias(SANDBOX_STAGE)).publicKey(),
          controlPlane.digests(region).list(plan.name, region),
        ]),
      );
      trails.push({
        region,
        audit: controlPlane.audit,
        digests: { list: async () => signed },
        publicKey: async () => publicKeyPem,
      });
    } catch (error) {
      if (!(error instanceof TransientAwsError)) throw error;
      unreadableDigests.push({ region, error: error.message });
    }
  }
  return { trails, unreadableDigests };
}

/**
 * Once CloudTrail has had time to deliver, does the trail agree with it? The linker runs as it would on
 * its schedule, then `audit verify`: each region's chain against the digests signed there (read, with the
 * region's public key, as an auditor reads them), every call witnessed, no call by kirikae's roles missing
 * from the trail. The records written after a region's last digest (the linker's evidence, and in the
 * region that ran no workflow, everything) are not yet covered: that is the trail's normal state between
 * digests, not a finding, so it never fails a drill.
 */
export async function auditOnceDelivered(
  controlPlane: SandboxControlPlane,
  plan: Plan,
  estate: SandboxEstate,
  startedAt: Date,
): Promise<DrillResult["audit"]> {
  await estate.clock.sleep(DELIVERY_WINDOW_MS + 60_000);
  const { trails, unreadableDigests } = await readSignedTrails(controlPlane, plan, estate);
  const verification = await estate.clock.busy(() =>
    verifyAudit(controlPlane.evidence, {
      plans: [plan.name],
      regions: [...new Set([...plan.regions, "us-east-1"])],
      roleNames: Object.values(controlPlane.roles).map((arn) => arn.split("/")[1] ?? ""),
      since: startedAt,
      until: estate.clock.now(),
      trails,
    }),
  );
  const records =
    (await controlPlane.audit.chain(plan.name)).length + (await controlPlane.audit.chain("-")).length;
  return {
    records,
    verified: verification.ok,
    linked: verification.linked,
    findings: [
      // The hash chain's own findings are among these: each region's check runs it first.
      ...verification.tampered.map(
        (finding) =>
          `${finding.region}, ${finding.seq !== undefined ? `record ${finding.seq}` : `digest ${finding.digestAt}`} of ${finding.plan}: ${finding.problem} (caught by the ${finding.caughtBy})`,
      ),
      ...verification.unwitnessed.map(
        (record) =>
          `no CloudTrail event for ${record.action} (request ${record.requestId}) recorded at ${record.at}`,
      ),
      ...unreadableDigests.map(
        (entry) =>
          `the signed digests in ${entry.region} could not be read; its chain is checked against them once it answers`,
      ),
      ...verification.unreadableRegions.map(
        (entry) => `CloudTrail in ${entry.region} did not answer; its events are checked once it does`,
      ),
      ...verification.unaudited.map(
        (event) =>
          `CloudTrail shows ${event.eventName} by ${event.userIdentityArn} (request ${event.requestId}) with no audit record`,
      ),
    ],
    initiators: Object.fromEntries(
      verification.initiators.map((entry) => [entry.executionId, entry.initiator]),
    ),
  };
}
