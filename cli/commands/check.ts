import { Command, Option } from "commander";
import { awsReadinessDeps } from "../../adapters/aws/readiness-ports.js";
import type { Plan } from "../../core/plan/schema.js";
import { checkReadiness } from "../../core/readiness/check-readiness.js";
import { type Finding, type ReadinessSummary, summarise } from "../../core/readiness/finding.js";
import { RegionNotInPlan } from "../../core/readiness/readiness-errors.js";
import { functionName } from "../../infra/names.js";
import { awsOf, type CliIo, clockOf, envOf } from "../cli-io.js";
import { EXIT } from "../exit-codes.js";
import { loadPlanArgument } from "../plan-argument.js";
import { type PlanFileOptions, planFileOf, withPlanFileOption } from "../plan-file-option.js";
import { renderReadinessSummary, renderReadinessTable } from "../readiness-table.js";
import { DEFAULT_READ_STAGE, stageNameOf } from "../stage-target.js";
import { CliUsageError } from "../usage-error.js";

const detector = (stage: string) => functionName(stage, "detectAlarm");

/** Exit statuses (cli/exit-codes.ts): ready, gaps found, a bad plan or command line, AWS not answering. */
export const CHECK_EXIT = {
  ready: EXIT.ok,
  gaps: EXIT.failed,
  badInput: EXIT.usage,
  noAws: EXIT.aws,
} as const;

/** What `kirikae check --json` prints: the one document scripts and CI parse. */
export interface CheckReport {
  ok: boolean;
  plan: string;
  stage: string;
  regions: string[];
  checkedAt: string;
  summary: ReadinessSummary;
  findings: Finding[];
}

/**
 * `kirikae check --plan-file FILE`: reads the estate (never changes it) and reports whether every
 * resource the plan names is as the plan expects. An invalid plan lists every problem, as `plan
 * validate` does; other failures (a region the plan does not name, no credentials, access denied) take
 * the program's one error path, a line with what to do (cli/run-cli.ts).
 */
export function checkCommand(io: CliIo): Command {
  return withPlanFileOption(
    new Command("check").description(
      "check, read-only, that the AWS estate is as the plan expects and ready to fail over",
    ),
    "the plan file",
  )
    .addOption(
      new Option("--region <region>", "check only resources in REGION (repeatable)")
        .argParser((region: string, regions: string[]) => [...regions, region])
        .default([], "every region the plan names"),
    )
    .option(
      "--stage <name>",
      `the SST stage kirikae was deployed as: alarms must reach its detector, ${detector("<stage>")} (default: KIRIKAE_STAGE, else ${DEFAULT_READ_STAGE})`,
    )
    .option("--json", "print one JSON document and nothing else")
    .addHelpText(
      "after",
      "\nExit status: 0 ready, 1 any gap (including a region that did not answer), 2 a bad plan or option, 3 AWS could not be read (credentials, permission).\n",
    )
    .action(async (options: CheckOptions) => {
      const file = planFileOf(io, options);
      const plan = await loadPlanArgument(io, file, { ...options, exitCode: CHECK_EXIT.badInput });
      if (!plan) return;
      const stage = stageNameOf(options.stage === undefined ? {} : { stage: options.stage }, envOf(io));
      const aws = awsOf(io);
      const clock = clockOf(io);
      const regions = options.region.length > 0 ? [...new Set(options.region)] : undefined;
      let findings: Finding[];
      try {
        findings = await checkReadiness(plan, awsReadinessDeps(aws.clients, clock), {
          detectorFunction: detector(stage),
          ...(regions ? { regions } : {}),
        });
      } catch (error) {
        // Naming a region the plan does not is a mistake on the command line, like a bad option.
        if (error instanceof RegionNotInPlan) throw new CliUsageError(error.message, error.action ?? "");
        throw error;
      }
      printReport(io, { ...options, stage }, plan, findings, clock.now());
    });
}

interface CheckOptions extends PlanFileOptions {
  region: string[];
  stage?: string;
  json?: boolean;
}

function printReport(
  io: CliIo,
  options: CheckOptions & { stage: string },
  plan: Plan,
  findings: Finding[],
  checkedAt: Date,
) {
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
