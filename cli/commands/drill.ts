import { Command, Option } from "commander";
import type { ReportLanguage } from "../../core/audit/report-text.js";
import { KirikaeError } from "../../core/errors.js";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import { loadDrillRuntime } from "../../sandbox/drill/drill-runtime.js";
import { findScenario, scenarios } from "../../sandbox/drill/scenarios.js";
import { FAULT_GRAMMAR, type Fault, parseFault } from "../../sandbox/faults.js";
import { loadLatencies } from "../../sandbox/latencies.js";
import { exportTrail } from "../audit-export-files.js";
import type { CliIo } from "../cli-io.js";
import { runFleetDrill } from "../drill-fleet.js";
import { fleetOptions } from "../drill-fleet-options.js";
import { duration, notePrinter, progressPrinter, renderSummary } from "../drill-output.js";
import { writeDrillReports } from "../drill-reports.js";
import { planFileOf } from "../plan-file-option.js";
import { checkedZone, TIME_ZONE_HELP } from "../time-zone-option.js";
import { CliUsageError } from "../usage-error.js";

/** The scenario names' column in the help: the longest name and two spaces. */
const SCENARIO_COLUMN = Math.max(...scenarios.map((scenario) => scenario.name.length)) + 2;

export const DEFAULT_DRILL_PLAN = "examples/tokyo-singapore.plan.json";

/** `kirikae drill`: a scenario in the sandbox, through the real handlers and state machine. */
export function drillCommand(io: CliIo): Command {
  return new Command("drill")
    .description("run a failover drill in the sandbox: no AWS account needed")
    .option("--plan-file <path>", `the plan to drill (default: ${DEFAULT_DRILL_PLAN})`)
    .addOption(new Option("--plan <path>", "deprecated spelling of --plan-file").hideHelp())
    .addOption(
      new Option("--scenario <name>", "what goes wrong")
        .choices(scenarios.map((scenario) => scenario.name))
        .default("region-outage"),
    )
    .option(
      "--fault <spec>",
      "inject a fault (repeatable)",
      (spec: string, faults: Fault[]) => [...faults, asUsageError(() => parseFault(spec))],
      [],
    )
    .option(
      "--seed <n>",
      "seed for throttling and jitter, to replay a run",
      (text) => Number.parseInt(text, 10),
      1,
    )
    .option(
      "--no-failback",
      "stop after the failover instead of failing back by hand once the region recovers",
    )
    .option(
      "--latencies <file>",
      "a JSON object overriding modelled AWS latencies (ms; see docs/drill.md, Modelled AWS latencies)",
    )
    .option("--report <dir>", "write an incident report per workflow into DIR (Markdown and HTML)")
    .option(
      "--audit-out <dir>",
      "export the drill's audit trail, signed digests and public key into DIR, for `kirikae audit verify --offline DIR`",
    )
    .addOption(new Option("--lang <language>", "language of the reports").choices(["en", "ja"]).default("en"))
    .option("--tz <zone>", TIME_ZONE_HELP)
    .option(
      "--plans <dir>",
      "a region outage across every plan in DIR (*.plan.json, *.plan.ts), one account's shared limits applying",
    )
    .option(
      "--region <region>",
      "with --plans: the region that goes dark (default: where most plans are active)",
    )
    .option("--json", "print one JSON document and nothing else")
    .addHelpText(
      "after",
      `\nScenarios:\n${scenarios.map((scenario) => `  ${scenario.name.padEnd(SCENARIO_COLUMN)}${scenario.summary}`).join("\n")}\n\nFaults:\n${FAULT_GRAMMAR.split(
        "\n",
      )
        .map((line) => `  ${line}`)
        .join("\n")}\n`,
    )
    .action(
      async (options: {
        planFile?: string;
        plan?: string;
        scenario: string;
        fault: Fault[];
        seed: number;
        failback: boolean;
        latencies?: string;
        report?: string;
        auditOut?: string;
        lang: ReportLanguage;
        tz?: string;
        json?: boolean;
        plans?: string;
        region?: string;
      }) => {
        if (options.plans !== undefined || options.region !== undefined) {
          return runFleetDrill(io, fleetOptions(options, await fleetLatencies(options.latencies)));
        }
        const timeZone = options.tz === undefined ? undefined : checkedZone(options.tz);
        // Loaded here, not imported above: only the drill needs the sandbox and its dev-only packages.
        const { runDrill, readSignedTrails } = await loadDrillRuntime();
        const plan = await loadPlanFile(planFileOf(io, options, DEFAULT_DRILL_PLAN));
        const file = options.latencies;
        const latencies = file ? await asUsageErrorAsync(() => loadLatencies(file)) : undefined;
        const scenario = findScenario(options.scenario);
        if (!scenario) throw new Error(`unknown scenario ${options.scenario}`);
        const human = !options.json;
        if (human) {
          const standby = plan.regions.find((region) => region !== plan.activeRegion);
          io.out(
            `kirikae drill: scenario ${scenario.name}, plan ${plan.name} (${plan.activeRegion} active, ${standby} standby)\n`,
          );
          io.out(`  ${scenario.summary}\n`);
          for (const fault of options.fault) io.out(`  fault: ${JSON.stringify(fault)}\n`);
          if (latencies) io.out(`  latencies: ${JSON.stringify(latencies)} (${options.latencies})\n`);
          io.out(
            `  objectives: RTO ${duration(plan.objectives.rtoMinutes * 60)}, RPO ${duration(plan.objectives.rpoMinutes * 60)}\n\n`,
          );
        }
        const reports: string[] = [];
        const result = await runDrill({
          plan,
          scenario,
          faults: options.fault,
          seed: options.seed,
          failback: options.failback,
          ...(latencies ? { latencies } : {}),
          ...(human ? { onStep: progressPrinter(io.out), onNote: notePrinter(io.out) } : {}),
          afterwards: async (state) => {
            if (options.report) {
              await writeDrillReports(
                options.report,
                plan,
                options.lang,
                reports,
                timeZone ? { timeZone } : {},
              )(state);
            }
            // Every region that signed digests of the plan's chain: the failover's and the failback's.
            if (options.auditOut) {
              const { trails } = await readSignedTrails(state.controlPlane, plan, state.built.estate);
              await exportTrail(options.auditOut, {
                plan: plan.name,
                exportedAt: state.built.estate.clock.now().toISOString(),
                sources: trails.map((trail) => ({
                  region: trail.region,
                  audit: trail.audit,
                  digests: { store: trail.digests, publicKey: trail.publicKey },
                })),
              });
            }
          },
        });
        io.out(human ? renderSummary(result) : `${JSON.stringify(result, null, 2)}\n`);
        if (human) for (const file of reports) io.out(`report written: ${file}\n`);
        if (human && options.auditOut) io.out(`audit export written: ${options.auditOut}\n`);
        io.setExitCode(result.ok ? 0 : 1);
      },
    );
}

/** A malformed --fault or --latencies file is a mistake in the command's input (exit 2), said as such. */
function asUsageError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof KirikaeError) throw new CliUsageError(error.message, error.action ?? "");
    throw error;
  }
}

function fleetLatencies(file: string | undefined) {
  return file === undefined ? Promise.resolve(undefined) : asUsageErrorAsync(() => loadLatencies(file));
}

async function asUsageErrorAsync<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof KirikaeError) throw new CliUsageError(error.message, error.action ?? "");
    throw error;
  }
}
