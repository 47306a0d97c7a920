import { describe, expect, it } from "vitest";
import { duration, progressPrinter } from "../../cli/drill-output.js";
import type { PhaseName } from "../../core/report/workflow-phases.js";
import { reportPhases } from "../../core/report/workflow-phases.js";
import type { StepEvent } from "../../sandbox/local-workflow-runner.js";
import { drillRuns } from "../support/drill-reports.js";

/**
 * The Step Functions states each report phase stands for, in the failover and the failback (the state
 * names of both generations of the definitions).
 */
const PHASE_OF_STATE: Record<string, PhaseName> = {
  "Confirm signal": "detection",
  "Pre-checks": "precheck",
  "Await approval": "approval",
  "Promote database": "promotion",
  "Switch over database": "promotion",
  "Scale up nodegroups": "scaleUp",
  "Scale up returning region": "scaleUp",
  "Switch traffic": "traffic",
  "Verify recovery": "verification",
  "Scale down region left": "scaleDown",
  "Scale down nodegroups": "scaleDown",
};

describe("one measure of step times for the drill's terminal, its JSON and the incident report", () => {
  it("gives every phase of a failover and its failback the same duration in all three", async () => {
    const terminal = new Map<string, string[]>();
    const printers = new Map<string, (event: StepEvent, elapsed: number) => void>();
    const onStep = (event: StepEvent, elapsed: number) => {
      const lines = terminal.get(event.execution) ?? [];
      terminal.set(event.execution, lines);
      const printer = printers.get(event.execution) ?? progressPrinter((text) => lines.push(text));
      printers.set(event.execution, printer);
      printer(event, elapsed);
    };

    const { runs, result } = await drillRuns("region-outage", { onStep });

    expect(runs.map((run) => run.name)).toEqual([
      "shop-failover-20260101T000130-c5df546f",
      "shop-failback-drill",
    ]);
    for (const [index, run] of runs.entries()) {
      const phases = reportPhases(run.records);
      const lines = [...terminal.entries()].find(([execution]) => execution.endsWith(run.name))?.[1] ?? [];
      const printed = new Map(
        lines.flatMap((line) => {
          const match = /✓ (.+?)(?: \((?:switchover|failover|gates|record-edits)\))? {2}(.+)\n$/.exec(line);
          return match?.[1] && match[2] ? [[match[1], match[2]] as const] : [];
        }),
      );
      const steps = result.workflows[index]?.steps ?? [];
      const compared = Object.entries(PHASE_OF_STATE).flatMap(([state, name]) => {
        const phase = phases.find((candidate) => candidate.name === name);
        const step = steps.find((candidate) => candidate.name === state);
        if (!phase || !step) return [];
        const stepSeconds = (Date.parse(step.endedAt) - Date.parse(step.startedAt)) / 1000;
        return [
          {
            state,
            report: duration(phase.seconds),
            terminal: printed.get(state),
            json: duration(stepSeconds),
          },
        ];
      });

      expect(compared.length).toBeGreaterThanOrEqual(5);
      for (const row of compared) {
        expect(row.terminal, `${run.name} ${row.state}`).toBe(row.report);
        expect(row.json, `${run.name} ${row.state}`).toBe(row.report);
      }
    }
  }, 120_000);
});
