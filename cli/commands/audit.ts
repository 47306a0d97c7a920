import { Command, Option } from "commander";
import { CloudTrailEvidence } from "../../adapters/aws/cloudtrail-evidence.js";
import type { EvidenceDeps } from "../../core/audit/link-evidence.js";
import { linkEvidence } from "../../core/audit/link-evidence.js";
import { verifyAudit } from "../../core/audit/verify-audit.js";
import type { AuditFilter, AuditRecord } from "../../core/ports/audit.js";
import { APP_NAME } from "../../infra/names.js";
import { awsOf, type CliIo, clockOf } from "../cli-io.js";
import { resolveStage, type StageOptions, type StageTarget, withStageOptions } from "../stage-target.js";
import { renderTable } from "../text-table.js";
import { CliUsageError } from "../usage-error.js";

const DAY_MS = 86_400_000;
const ROUTE53_REGION = "us-east-1";

/** `kirikae audit query|verify|link`: the trail of a deployed stage, and its CloudTrail evidence. */
export function auditCommand(io: CliIo): Command {
  return new Command("audit")
    .description("query the audit trail, link it to CloudTrail, and verify it")
    .addCommand(queryCommand(io))
    .addCommand(verifyCommand(io))
    .addCommand(linkCommand(io));
}

interface QueryOptions extends StageOptions {
  plan?: string;
  execution?: string;
  actor?: string;
  action?: string;
  outcome?: AuditRecord["outcome"];
  from?: string;
  to?: string;
  json?: boolean;
}

function queryCommand(io: CliIo): Command {
  return withStageOptions(
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
  ).action(async (options: QueryOptions) => {
    const target = await resolveStage(options, awsOf(io));
    const filter: AuditFilter = {
      ...(options.plan ? { plan: options.plan } : {}),
      ...(options.execution ? { executionId: options.execution } : {}),
      ...(options.actor ? { actor: options.actor } : {}),
      ...(options.action ? { action: options.action } : {}),
      ...(options.outcome ? { outcome: options.outcome } : {}),
      ...(options.from ? { from: isoTime(options.from, "--from") } : {}),
      ...(options.to ? { to: isoTime(options.to, "--to") } : {}),
    };
    const records = await target.audit.query(filter);
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
  json?: boolean;
}

function verifyCommand(io: CliIo): Command {
  return withStageOptions(
    new Command("verify")
      .description(
        "check the hash chain, link CloudTrail evidence, and report unwitnessed calls and kirikae-role calls with no record",
      )
      .requiredOption("--plan <name>", "the plan whose trail to verify")
      .option(
        "--since <iso-time>",
        "look at CloudTrail from this time (default: 24 hours ago; it keeps 90 days)",
      )
      .option("--json", "print one JSON document"),
  ).action(async (options: EvidenceOptions) => {
    const { target, deps } = await evidenceDeps(io, options);
    const chain = await target.audit.chain(options.plan);
    const until = deps.clock.now();
    const since = options.since
      ? new Date(isoTime(options.since, "--since"))
      : new Date(until.getTime() - DAY_MS);
    const verification = await verifyAudit(deps, {
      plans: [options.plan],
      regions: regionsOf(chain, target.region),
      roleNames: [`${APP_NAME}-${options.stage}-*`],
      since,
      until,
    });
    if (options.json) {
      io.out(`${JSON.stringify(verification)}\n`);
    } else {
      const lines = [
        `${verification.ok ? "✓" : "✗"} audit trail of ${options.plan}: ${chain.length} records, ${verification.linked} newly linked to CloudTrail`,
        ...verification.brokenChain.map((problem) => `  ✗ record ${problem.seq}: ${problem.problem}`),
        ...verification.unwitnessed.map(
          (record) =>
            `  ✗ no CloudTrail event for ${record.action} (request ${record.requestId}) at ${record.at}`,
        ),
        ...verification.unaudited.map(
          (event) =>
            `  ✗ ${event.eventName} by ${event.userIdentityArn} (request ${event.requestId}, ${event.eventTime}) has no audit record`,
        ),
        ...verification.unreadableRegions.map(
          (entry) => `  ! CloudTrail in ${entry.region} did not answer; run again once it does`,
        ),
      ];
      io.out(`${lines.join("\n")}\n`);
    }
    if (!verification.ok) io.setExitCode(1);
  });
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
): Promise<{ target: StageTarget; deps: EvidenceDeps }> {
  const aws = awsOf(io);
  const target = await resolveStage(options, aws);
  const clock = clockOf(io);
  return {
    target,
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
