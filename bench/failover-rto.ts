/**
 * Benchmark (not a test): how close the sandbox failover drill's achieved RTO comes to the physical floor,
 * the longest chain of AWS waits no control plane can avoid. Run with `npm run bench:rto`.
 *
 * The critical path comes from sandbox/critical-path.ts, the same computation `kirikae plan explain`
 * shows: the plan's hold time, then the slower of the database promotion and the nodegroup scale-up
 * (they run in parallel and DNS waits for both), then Route 53's propagation.
 */
import { parseArgs } from "node:util";
import { loadPlanFile } from "../core/plan/load-plan-file.js";
import { failoverCriticalPath, formatCriticalPath, modelledTimings } from "../sandbox/critical-path.js";
import { runDrill } from "../sandbox/drill/run-drill.js";
import { findScenario } from "../sandbox/drill/scenarios.js";
import { loadLatencies, resolveLatencies } from "../sandbox/latencies.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { latencies: { type: "string" } },
});
const planFile = positionals[0] ?? "examples/tokyo-singapore.plan.json";
const plan = await loadPlanFile(planFile);
const latencies = values.latencies ? await loadLatencies(values.latencies) : {};
const timings = modelledTimings(resolveLatencies(latencies));

for (const [scenarioName, mode] of [
  ["region-outage", "failover"],
  ["degraded-primary", "switchover"],
] as const) {
  const scenario = findScenario(scenarioName);
  if (!scenario) throw new Error(`no scenario ${scenarioName}`);
  const realStart = performance.now();
  const result = await runDrill({ plan, scenario, latencies });
  const realMs = performance.now() - realStart;
  const rto = result.workflows[0]?.rtoSeconds;
  if (!result.ok || rto == null)
    throw new Error(`the ${scenarioName} drill did not succeed; nothing to measure`);

  const criticalPath = failoverCriticalPath(plan, mode, timings);

  console.log(`${scenarioName} (${plan.name}, ${planFile})`);
  console.log(`  critical path: ${formatCriticalPath(criticalPath)}`);
  console.log(`  achieved RTO:  ${rto.toFixed(1)} s (alarm to traffic switched and verified)`);
  console.log(`  RTO / critical path = ${(rto / criticalPath.seconds).toFixed(3)} (aim: <= 1.05)`);
  console.log(
    `  modelled ${(rto / 60).toFixed(1)} min replayed in ${(realMs / 1000).toFixed(2)} s of real time`,
  );
}
