import { readFile } from "node:fs/promises";
import { Command, Option } from "commander";
import { CloudTrailEvidence } from "../../adapters/aws/cloudtrail-evidence.js";
import type { EvidenceDeps } from "../../core/audit/link-evidence.js";
import { linkEvidence } from "../../core/audit/link-evidence.js";
import { verifyTrailExport } from "../../core/audit/offline-verify.js";
import { type SignedTrailSource, verifyAudit } from "../../core/audit/verify-audit.js";
import { notCoveredProblem, type TrailFinding } from "../../core/audit/verify-digests.js";
import type { AuditFilter, AuditRecord } from "../../core/ports/audit.js";
import { APP_NAME } from "../../infra/names.js";
import { exportTrail, readExportFiles, type TrailSource } from "../audit-export-files.js";
import type { CliAws } from "../cli-aws.js";
import { awsOf, type CliIo, clockOf, envOf } from "../cli-io.js";
import {
  resolveStage,
  type StageOptions,
  type StageTarget,
  stageIn,
  withStageOptions,
} from "../stage-target.js";
import { renderTable } from "../text-table.js";
import { CliUsageError } from "../usage-error.js";

const DAY_MS = 86_400_000;
const ROUTE53_REGION = "us-east-1";

/** `kirikae audit query|verify|link|export`: the trail of a deployed stage, its digests and CloudTrail evidence. */
export function auditCommand(io: CliIo): Command {
  return new Command("audit")
    .description("query the audit trail, link it to CloudTrail, verify it, and export it for offline checks")
    .addCommand(queryCommand(io))
    .addCommand(verifyCommand(io))
    .addCommand(linkCommand(io))
    .addCommand(exportCommand(io));
}

/** `--regions`: each region's control plane keeps its own chain of a plan; the commands read them together. */
function withRegionsOption(command: Command): Command {
  return command.option(
    "--regions <list>",
    "the plan's control-plane regions to read together, comma-separated (default: --region and the other regions the plan's records name)",
  );
}

interface QueryOptions extends StageOptions {
  plan?: string;
  execution?: string;
  actor?: string;
  action?: string;
  outcome?: AuditRecord["outcome"];
  from?: string;
  to?: string;
  regions?: string;
  json?: boolean;
}

function queryCommand(io: CliIo): Command {
  const command = withStageOptions(
    new Command("query")
      .description("records by plan, execution, actor, action, outcome and time range, oldest first")
      .option("--plan <name>", "records of this plan")
      .option("--execution <arn>", "records of this execution")
      .option(
        "--actor <arn>",
        "records of this actor (an IAM identity, kirikae's role, or alarm:REGION/NAME)",
      )
      .option("--action <action>", "e.g. rds:FailoverGlobalCluster or failover.approved")
      .addOption(
        new Option("--outcome <outcome>", "only this outcome").choices([
          "ok",
          "failed",
          "ignored",
          "pending",
        ]),
      )
      .option("--from <iso-time>", "from this time (inclusive)")
      .option("--to <iso-time>", "to this time (inclusive)")
      .option("--json", "print the records as one JSON array"),
  );
  return withRegionsOption(command).action(async (options: QueryOptions) => {
    const aws = awsOf(io);
    const target = await resolveStage(options, aws, envOf(io));
    const filter: AuditFilter = {
      ...(options.plan ? { plan: options.plan } : {}),
      ...(options.execution ? { executionId: options.execution } : {}),
      ...(options.actor ? { actor: options.actor } : {}),
      ...(options.action ? { action: options.action } : {}),
      ...(options.outcome ? { outcome: options.outcome } : {}),
      ...(options.from ? { from: isoTime(options.from, "--from") } : {}),
      ...(options.to ? { to: isoTime(options.to, "--to") } : {}),
    };
    // Each region answers from its own table; one timeline, oldest first, across both.
    const targets = await regionTargets(target, aws, options, options.plan);
    // A record's hash covers its content and place, so two answers with one hash are one record (two
    // regions that answer from one table, as the sandbox does).
    const byHash = new Map(
      (await Promise.all(targets.map((each) => each.audit.query(filter))))
        .flat()
        .map((record) => [record.hash, record]),
    );
    const records = [...byHash.values()].sort((a, b) => a.at.localeCompare(b.at) || a.seq - b.seq);
    if (options.json) {
      io.out(`${JSON.stringify(records)}\n`);
      return;
    }
    io.out(
      records.length === 0
        ? "no records match\n"
        : `${renderTable(
            ["at", "plan", "kind", "action", "outcome", "actor", "execution"],
            records.map((record) => [
              record.at,
              record.plan,
              record.kind,
              record.action,
              record.outcome ?? "-",
              record.actor,
              record.executionId.split(":").pop() ?? "-",
            ]),
          )}\n${records.length} records\n`,
    );
  });
}

interface EvidenceOptions extends StageOptions {
  plan: string;
  since?: string;
  regions?: string;
  json?: boolean;
}

interface VerifyOptions extends Omit<EvidenceOptions, "plan"> {
  plan?: string;
  offline?: string;
  publicKey?: string;
}

function verifyCommand(io: CliIo): Command {
  const command = withStageOptions(
    new Command("verify")
      .description(
        "check each region's chain against its signed digests, link CloudTrail evidence, and report unwitnessed calls and kirikae-role calls with no record; or, with --offline, check an export with no AWS access",
      )
      .option("--plan <name>", "the plan whose trail to verify (not with --offline)")
      .option(
        "--since <iso-time>",
        "look at CloudTrail from this time (default: 24 hours ago; it keeps 90 days)",
      )
      .option("--offline <dir>", "verify an export (`audit export`, `drill --audit-out`) with no AWS access")
      .option(
        "--public-key <file>",
        "with --offline: the audit key's public half (PEM) as you obtained it apart from the export",
      )
      .option("--json", "print one JSON document"),
  );
  return withRegionsOption(command).action(async (options: VerifyOptions) => {
    if (options.offline) {
      await verifyOffline(io, options.offline, options);
      return;
    }
    if (!options.plan) {
      throw new CliUsageError(
        "audit verify needs --plan, or --offline DIR",
        "pass --plan NAME, or --offline DIR",
      );
    }
    await verifyLive(io, { ...options, plan: options.plan });
  });
}

async function verifyOffline(io: CliIo, directory: string, options: VerifyOptions): Promise<void> {
  const files = await readExportFiles(directory);
  const publicKeyPem = options.publicKey ? await readKey(options.publicKey) : undefined;
  const verification = verifyTrailExport(files, publicKeyPem ? { publicKeyPem } : {});
  if (options.json) {
    io.out(`${JSON.stringify(verification)}\n`);
  } else {
    const lines = [
      `${verification.ok ? "✓" : "✗"} audit export of ${verification.plan} in ${directory}: ${verification.regions
        .map(
          (region) =>
            `${region.region} ${region.records} records, ${region.digests} digests, signed up to record ${region.signedHeadSeq}`,
        )
        .join("; ")}`,
      ...verification.regions.map(
        (region) =>
          `  key ${region.region}: sha256 ${region.keyFingerprint}${options.publicKey ? ` (${options.publicKey})` : " (the export's own key: compare it with the fingerprint you hold)"}`,
      ),
      ...verification.findings.map(findingLine),
    ];
    io.out(`${lines.join("\n")}\n`);
  }
  if (!verification.ok) io.setExitCode(1);
}

async function verifyLive(io: CliIo, options: EvidenceOptions): Promise<void> {
  const { target, deps, aws } = await evidenceDeps(io, options);
  const chain = await target.audit.chain(options.plan);
  const until = deps.clock.now();
  const since = options.since
    ? new Date(isoTime(options.since, "--since"))
    : new Date(until.getTime() - DAY_MS);
  const targets = await regionTargets(target, aws, options, options.plan);
  const trails = signedSources(targets, aws);
  const verification = await verifyAudit(deps, {
    plans: [options.plan],
    regions: regionsOf(chain, target.region),
    roleNames: [`${APP_NAME}-${target.stage}-*`],
    since,
    until,
    ...(trails ? { trails } : {}),
  });
  if (options.json) {
    io.out(`${JSON.stringify(verification)}\n`);
  } else {
    // Counted after the linking, which appends an evidence record per call it links.
    const records = (await target.audit.chain(options.plan)).length;
    const lines = [
      `${verification.ok ? "✓" : "✗"} audit trail of ${options.plan}: ${records} records, ${verification.linked} newly linked to CloudTrail`,
      ...(trails
        ? verification.trails.map(
            (trail) =>
              `  ${trail.region}: ${trail.records} records, ${trail.digests} signed digests, signed up to record ${trail.signedHeadSeq}`,
          )
        : [
            "  ! no signed digests are wired for this stage: only the hash chain was checked, which anyone able to write the table can recompute",
          ]),
      ...verification.tampered.map(findingLine),
      // The hash-chain problems are among the digest findings when those ran.
      ...(trails
        ? []
        : verification.brokenChain.map((problem) => `  ✗ record ${problem.seq}: ${problem.problem}`)),
      ...verification.unwitnessed.map(
        (record) =>
          `  ✗ no CloudTrail event for ${record.action} (request ${record.requestId}) at ${record.at}`,
      ),
      ...verification.unaudited.map(
        (event) =>
          `  ✗ ${event.eventName} by ${event.userIdentityArn} (request ${event.requestId}, ${event.eventTime}) has no audit record`,
      ),
      ...verification.trails.flatMap((trail) =>
        trail.notCovered
          ? [`  ! ${trail.region}: not yet covered: ${notCoveredProblem(trail.notCovered)}`]
          : [],
      ),
      ...verification.unreadableRegions.map(
        (entry) => `  ! CloudTrail in ${entry.region} did not answer; run again once it does`,
      ),
    ];
    io.out(`${lines.join("\n")}\n`);
  }
  if (!verification.ok) io.setExitCode(1);
}

function findingLine(finding: TrailFinding): string {
  const subject = finding.seq !== undefined ? `record ${finding.seq}` : `digest ${finding.digestAt}`;
  return `  ✗ ${finding.region}, ${subject}: ${finding.problem} [caught by the ${finding.caughtBy}]`;
}

interface ExportOptions extends StageOptions {
  plan: string;
  from?: string;
  to?: string;
  out: string;
  regions?: string;
  json?: boolean;
}

function exportCommand(io: CliIo): Command {
  const command = withStageOptions(
    new Command("export")
      .description(
        "write a plan's trail (JSON Lines, as stored), its signed digests and the public key into DIR, per region, for `audit verify --offline`",
      )
      .requiredOption("--plan <name>", "the plan whose trail to export")
      .option("--from <iso-time>", "records from this time (inclusive)")
      .option("--to <iso-time>", "records to this time (inclusive; extended to the next signed digest)")
      .requiredOption("--out <dir>", "the directory to write")
      .option("--json", "print the manifest as one JSON document"),
  );
  return withRegionsOption(command).action(async (options: ExportOptions) => {
    const aws = awsOf(io);
    const target = await resolveStage(options, aws, envOf(io));
    const targets = await regionTargets(target, aws, options, options.plan);
    const sources = digestSources(targets, aws);
    if (!sources) {
      throw new CliUsageError(
        `no signed digests are wired for stage ${target.stage}: an export without them would prove nothing`,
        "deploy the stage with its digest bucket and signing key (npx sst deploy), then export again",
      );
    }
    const built = await exportTrail(options.out, {
      plan: options.plan,
      exportedAt: clockOf(io).now().toISOString(),
      ...(options.from ? { from: isoTime(options.from, "--from") } : {}),
      ...(options.to ? { to: isoTime(options.to, "--to") } : {}),
      sources,
    });
    if (options.json) {
      io.out(`${JSON.stringify(built.manifest)}\n`);
      return;
    }
    for (const region of built.manifest.regions) {
      io.out(
        `${region.region}: ${region.recordCount} records (${region.firstSeq}-${region.lastSeq}), ${region.digests.length} digests, key sha256 ${region.keyFingerprint}\n`,
      );
      if (region.notExported) {
        io.out(
          `  ${region.notExported.count} newer records (${region.notExported.fromSeq}-${region.notExported.toSeq}) are not signed by a digest yet and were left out; export again after the next digest\n`,
        );
      }
    }
    io.out(`export written: ${options.out}\n`);
  });
}

async function readKey(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new CliUsageError(
      `cannot read ${file}: ${(error as Error).message}`,
      "pass a PEM file with --public-key",
    );
  }
}

/**
 * The control planes whose tables hold the plan's chains: those named by --regions, or --region and the
 * other regions the plan's records there name (kirikae calls both regions of a plan in every workflow;
 * Route 53's us-east-1 is read only where a control plane answers there).
 */
async function regionTargets(
  target: StageTarget,
  aws: CliAws,
  options: { regions?: string },
  plan: string | undefined,
): Promise<StageTarget[]> {
  if (options.regions) {
    const regions = [
      ...new Set(
        options.regions
          .split(",")
          .map((region) => region.trim())
          .filter(Boolean),
      ),
    ];
    return regions.map((region) => (region === target.region ? target : stageIn(region, target, aws)));
  }
  if (!plan) return [target];
  const named = new Set(
    (await target.audit.chain(plan)).flatMap((record) =>
      record.region && record.region !== target.region && !record.action.startsWith("route53:")
        ? [record.region]
        : [],
    ),
  );
  return [target, ...[...named].map((region) => stageIn(region, target, aws))];
}

function digestSources(targets: readonly StageTarget[], aws: CliAws): TrailSource[] | undefined {
  const { digests } = aws;
  if (!digests) return undefined;
  return targets.map((target) => ({
    region: target.region,
    audit: target.audit,
    digests: digests(target),
  }));
}

function signedSources(targets: readonly StageTarget[], aws: CliAws): SignedTrailSource[] | undefined {
  return digestSources(targets, aws)?.map((source) => ({
    region: source.region,
    audit: source.audit,
    digests: source.digests.store,
    publicKey: () => source.digests.publicKey(),
  }));
}

function linkCommand(io: CliIo): Command {
  return withStageOptions(
    new Command("link")
      .description(
        "link the plan's recorded calls to their CloudTrail events now (the scheduled linker does this too)",
      )
      .requiredOption("--plan <name>", "the plan whose records to link")
      .option("--json", "print one JSON document"),
  ).action(async (options: EvidenceOptions) => {
    const { deps } = await evidenceDeps(io, options);
    const result = await linkEvidence(deps, options.plan);
    if (options.json) {
      io.out(
        `${JSON.stringify({ linked: result.linked, waiting: result.waiting.length, missing: result.missing.length, initiators: result.initiators })}\n`,
      );
      return;
    }
    io.out(
      `linked ${result.linked} calls; ${result.waiting.length} still within CloudTrail's delivery window; ` +
        `${result.missing.length} missing past it\n`,
    );
    for (const entry of result.initiators)
      io.out(`  ${entry.executionId} was started by ${entry.initiator}\n`);
  });
}

async function evidenceDeps(
  io: CliIo,
  options: EvidenceOptions,
): Promise<{ target: StageTarget; deps: EvidenceDeps; aws: CliAws }> {
  const aws = awsOf(io);
  const target = await resolveStage(options, aws, envOf(io));
  const clock = clockOf(io);
  return {
    target,
    aws,
    deps: {
      audit: target.audit,
      evidence: new CloudTrailEvidence(aws.clients, clock),
      clock,
      actor: target.identity,
    },
  };
}

/** The regions kirikae's calls went to, as the records say, and Route 53's: where their events are. */
function regionsOf(chain: readonly AuditRecord[], controlPlaneRegion: string): string[] {
  return [
    ...new Set([
      controlPlaneRegion,
      ROUTE53_REGION,
      ...chain.flatMap((record) => (record.region ? [record.region] : [])),
    ]),
  ];
}

function isoTime(text: string, option: string): string {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) {
    throw new CliUsageError(
      `${option} ${text} is not a time`,
      "give an ISO 8601 time, e.g. 2026-11-23T09:00:00Z",
    );
  }
  return time.toISOString();
}
