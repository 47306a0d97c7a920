import { AccessDenied } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import type { ClientProvider } from "../../adapters/aws/region-clients.js";
import { stageDigests } from "../../cli/cli-aws.js";
import { clientProvider, SANDBOX_STAGE } from "../../sandbox/sandbox-control-plane.js";
import { rewriteAsAttacker } from "../support/audit-attacker.js";
import { testPlan } from "../support/plan-fixtures.js";
import { sandboxCli } from "../support/sandbox-cli.js";
import { sandboxStagePerTest } from "../support/sandbox-stage.js";

const ACCOUNT = "111122223333";
const AUDITOR = `arn:aws:iam::${ACCOUNT}:user/auditor`;
const plan = testPlan();
const stages = sandboxStagePerTest();

/**
 * A sandbox stage after a failover (run in Singapore) and a failback (run in Tokyo), each of which signed a
 * digest at its end, and CloudTrail's delivery window passed. The CLI reads the digests with the same
 * wiring as against real AWS (`stageDigests`), as `principal`.
 */
async function stageAfterDrill() {
  const { built, controlPlane } = await stages.start(plan);
  const cliAs = (principal: string) =>
    sandboxCli(built, controlPlane, principal, {
      digests: (target) => stageDigests(clientProvider(built.estate, principal), target),
    });
  const kirikae = cliAs(AUDITOR);
  const at = ["--stage", SANDBOX_STAGE, "--region", controlPlane.region];
  for (const [kind, reason] of [
    ["failover", "maintenance in Tokyo"],
    ["failback", "maintenance over"],
  ]) {
    const run = await kirikae(kind ?? "", "--plan", "shop", "--reason", reason ?? "", "--wait", ...at);
    expect(run.code).toBe(0);
  }
  await built.estate.clock.sleep(16 * 60_000);
  return { built, controlPlane, kirikae, cliAs, at };
}

describe("audit verify and export against a deployed stage's signed digests", () => {
  it("reports each region's digest checks, and exits 1 naming the records an attacker rewrote", async () => {
    const { kirikae, at, controlPlane } = await stageAfterDrill();
    const verify = () =>
      kirikae("audit", "verify", "--plan", "shop", "--since", "2026-01-01T00:00:00Z", ...at);

    const clean = await verify();
    expect(clean.stderr).toBe("");
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^✓ audit trail of shop: \d+ records/);
    expect(clean.stdout).toMatch(
      /\n {2}ap-southeast-1: \d+ records, 1 signed digests, signed up to record \d+\n/,
    );
    expect(clean.stdout).toMatch(
      /\n {2}ap-northeast-1: \d+ records, 1 signed digests, signed up to record \d+\n/,
    );
    expect(clean.stdout).not.toContain("no signed digests are wired");
    // The linker's evidence records came after the last digests: reported, not failed.
    expect(clean.stdout).toMatch(
      /\n {2}! ap-southeast-1: not yet covered: records \d+-\d+ come after the last signed digest's head/,
    );

    // The failback's initiator replaced by someone else, every hash after it recomputed.
    const edited = await rewriteAsAttacker(controlPlane, "shop", (record) =>
      record.action === "failback.accepted"
        ? { ...record, actor: `arn:aws:iam::${ACCOUNT}:user/someone-else` }
        : undefined,
    );
    const tampered = await verify();

    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toBe("");
    expect(tampered.stdout).toMatch(/^✗ audit trail of shop/);
    const finding = tampered.stdout.match(
      /✗ ap-northeast-1, record (\d+): records (\d+)-(\d+) no longer match what digest 1 \(.+\) signed .*\[caught by the signed digest\]/,
    );
    expect(finding).not.toBeNull();
    const [, first, from, to] = (finding ?? []).map(Number);
    expect(first).toBe(from);
    expect(edited).toBeGreaterThanOrEqual(from ?? Number.NaN);
    expect(edited).toBeLessThanOrEqual(to ?? Number.NaN);
    // Singapore's digest was signed before the failback: the records it vouches for still hold.
    expect(tampered.stdout).not.toMatch(/✗ ap-southeast-1/);
  });

  it("exports the signed trail with the stage's public keys, and the export verifies offline", async () => {
    const { kirikae, at } = await stageAfterDrill();
    const folder = await stages.scratch("kirikae-export-");

    const exported = await kirikae("audit", "export", "--plan", "shop", "--out", folder, ...at);
    expect(exported.stderr).toBe("");
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(
      /^ap-southeast-1: \d+ records \(0-\d+\), 1 digests, key sha256 [0-9a-f]{64}$/m,
    );
    expect(exported.stdout).toMatch(
      /^ap-northeast-1: \d+ records \(0-\d+\), 1 digests, key sha256 [0-9a-f]{64}$/m,
    );

    const offline = await kirikae("audit", "verify", "--offline", folder);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toMatch(/^✓ audit export of shop/);
  });

  it("says a stage with no digest bucket predates digests and must be redeployed, with no stack trace", async () => {
    const { cliAs, at } = await stageAfterDrill();
    // Another account's caller: the stage's bucket there does not exist, as for a stage deployed before digests.
    const kirikae = cliAs("arn:aws:iam::999988887777:user/auditor");

    const exported = await kirikae("audit", "export", "--plan", "shop", "--out", "/nonexistent", ...at);

    expect(exported.code).toBe(2);
    expect(exported.stderr).toContain(
      "✗ the signed audit digests of stage sandbox in ap-southeast-1 are not there: no bucket kirikae-sandbox-dg-999988887777-ap-southeast-1",
    );
    expect(exported.stderr).toMatch(/; the stage predates signed digests: redeploy it/);
    expect(exported.stderr).not.toMatch(/\n\s+at /);
  });

  it("names the auditor policy when AWS denies reading the digests", async () => {
    const denied = new AccessDenied({
      message: "User: arn:aws:iam::111122223333:user/intern is not authorized to perform: s3:ListBucket",
      $metadata: { httpStatusCode: 403, requestId: "req-denied" },
    });
    const send = async () => {
      throw denied;
    };
    const clients = {
      // S3 and KMS alike: every client the digests are read with is denied.
      forRegion: () => ({ get: () => ({ send }) }),
    } as unknown as ClientProvider;
    const access = stageDigests(clients, {
      stage: "production",
      region: "ap-northeast-1",
      identity: "arn:aws:iam::111122223333:user/intern",
    });

    for (const read of [() => access.store.list("shop", "ap-northeast-1"), () => access.publicKey()]) {
      await expect(read()).rejects.toMatchObject({
        message: expect.stringMatching(
          /^AWS denied reading the signed audit digests of stage production in ap-northeast-1: .*not authorized/,
        ),
        action: expect.stringContaining('the auditor policy of docs/deploy.md, "Signed audit digests"'),
        requestId: "req-denied",
      });
    }
  });
});
