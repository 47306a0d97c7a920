import { Command, Option } from "commander";
import { awsReadinessDeps } from "../../adapters/aws/readiness-ports.js";
import { KirikaeError } from "../../core/errors.js";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import { PlanError } from "../../core/plan/plan-errors.js";
import type { Plan } from "../../core/plan/schema.js";
import { checkReadiness } from "../../core/readiness/check-readiness.js";
import { type Finding, type ReadinessSummary, summarise } from "../../core/readiness/finding.js";
import { functionName } from "../../infra/names.js";
import { awsOf, type CliIo, clockOf } from "../cli-io.js";
import { formatPlanError } from "../output.js";
import { renderReadinessSummary, renderReadinessTable } from "../readiness-table.js";

const detector = (stage: string) => functionName(stage, "detectAlarm");

/** Exit statuses: ready, gaps found, or the check could not run. */
export const CHECK_EXIT = { ready: 0, gaps: 1, couldNotCheck: 2 } as const;

/** What `kirikae check --json` prints: the one document scripts and CI parse. */
export type CheckReport =
  | {
      ok: boolean;
      plan: string;
      stage: string;
      regions: string[];
      checkedAt: string;
      summary: ReadinessSummary;
      findings: Finding[];
    }
  | {
      ok: false;
      file: string;
      error: { name: string; message: string; action?: string };
      issues?: unknown[];
    };

/**
 * `kirikae check --plan FILE`: reads the estate (never changes it) and reports whether every resource the
 * plan names is as the plan expects. Expected failures (an invalid plan, a region the plan does not
 * name, no credentials, access denied) are one sentence with what to do, and exit 2; anything else is
 * left to the program's own error handling.
 */
export function checkCommand(io: CliIo): Command {
  return new Command("check")
    .description("check, read-only, that the AWS estate is as the plan expects and ready to fail over")
    .requiredOption("--plan <file>", "the plan file: .json, or a .ts/.mts/.js/.mjs module exporting the plan")
    .addOption(
      new Option("--region <region>", "check only resources in REGION (repeatable)")
        .argParser((region: string, regions: string[]) => [...regions, region])
        .default([], "every region the plan names"),
    )
    .option(
      "--stage <name>",
      `the SST stage kirikae was deployed as: alarms must reach its detector, ${detector("<stage>")}`,
      "production",
    )
    .option("--json", "print one JSON document and nothing else")
    .addHelpText(
      "after",
      "\nExit status: 0 ready, 1 any gap (including a region that did not answer), 2 the check could not run.\n",
    )
    .action(async (options: CheckOptions) => {
      let plan: Plan;
      try {
        plan = await loadPlanFile(options.plan);
      } catch (error) {
        if (!(error instanceof PlanError)) throw error;
        return printFailure(io, options, error, error.issues);
      }
      const aws = awsOf(io);
      const clock = clockOf(io);
      const regions = options.region.length > 0 ? [...new Set(options.region)] : undefined;
      let findings: Finding[];
      try {
        findings = await checkReadiness(plan, awsReadinessDeps(aws.clients, clock), {
          detectorFunction: detector(options.stage),
          ...(regions ? { regions } : {}),
        });
      } catch (error) {
        if (!(error instanceof KirikaeError)) throw error;
        return printFailure(io, options, error);
      }
      printReport(io, options, plan, findings, clock.now());
    });
}

interface CheckOptions {
  plan: string;
  region: string[];
  stage: string;
  json?: boolean;
}

function printReport(io: CliIo, options: CheckOptions, plan: Plan, findings: Finding[], checkedAt: Date) {
  const summary = summarise(findings);
  io.setExitCode(summary.gaps === 0 ? CHECK_EXIT.ready : CHECK_EXIT.gaps);
  if (options.json) {
    const report: CheckReport = {
      ok: summary.gaps === 0,
      plan: plan.name,
      stage: options.stage,
      regions: [...new Set(findings.map((finding) => finding.region))],
      checkedAt: checkedAt.toISOString(),
      summary,
      findings,
    };
    io.out(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const standby = plan.regions.find((region) => region !== plan.activeRegion);
  io.out(
    `kirikae check: plan ${plan.name} (${plan.activeRegion} active, ${standby} standby), stage ${options.stage}\n\n`,
  );
  io.out(renderReadinessTable(findings));
  io.out(`\n${renderReadinessSummary(plan.name, summary)}`);
}

/** An invalid plan lists every problem, as `plan validate` does; anything else is one line. */
function printFailure(io: CliIo, options: CheckOptions, error: KirikaeError, issues?: unknown[]) {
  io.setExitCode(CHECK_EXIT.couldNotCheck);
  if (options.json) {
    const report: CheckReport = {
      ok: false,
      file: options.plan,
      error: {
        name: error.name,
        message: error.message,
        ...(error.action === undefined ? {} : { action: error.action }),
      },
      ...(issues === undefined ? {} : { issues }),
    };
    io.out(`${JSON.stringify(report)}\n`);
  } else if (error instanceof PlanError) io.err(formatPlanError(error));
  else io.err(`✗ ${error.message}${error.action ? `; ${error.action}` : ""}\n`);
}
