/**
 * Benchmark (not a test): how close the sandbox failover drill's achieved RTO comes to the physical floor,
 * the longest chain of AWS waits no control plane can avoid. Run with `npm run bench:rto`.
 *
 * Critical path, from the alarm: the plan's hold time, then the slower of the database promotion and
 * the nodegroup scale-up (they run in parallel and DNS waits for both), then Route 53's propagation.
 */
import { loadPlanFile } from "../core/plan/load-plan-file.js";
import { runDrill } from "../sandbox/drill/run-drill.js";
import { findScenario } from "../sandbox/drill/scenarios.js";
import { DEFAULT_EKS_TIMINGS } from "../sandbox/services/eks-model.js";
import { DEFAULT_RDS_TIMINGS } from "../sandbox/services/rds-model.js";
import { DEFAULT_ROUTE53_TIMINGS } from "../sandbox/services/route53-model.js";

const planFile = process.argv[2] ?? "examples/tokyo-singapore.plan.json";
const plan = await loadPlanFile(planFile);
const standby = plan.compute.clusters.find((cluster) => cluster.region !== plan.activeRegion);

for (const [scenarioName, promotionMs] of [
  ["region-outage", DEFAULT_RDS_TIMINGS.failoverMs],
  ["degraded-primary", DEFAULT_RDS_TIMINGS.switchoverMs],
] as const) {
  const scenario = findScenario(scenarioName);
  if (!scenario) throw new Error(`no scenario ${scenarioName}`);
  const realStart = performance.now();
  const result = await runDrill({ plan, scenario });
  const realMs = performance.now() - realStart;
  const rto = result.workflows[0]?.rtoSeconds;
  if (!result.ok || rto == null)
    throw new Error(`the ${scenarioName} drill did not succeed; nothing to measure`);

  const scaleUpMs = Math.max(
    ...(standby?.nodegroups ?? []).map(
      (nodegroup) =>
        DEFAULT_EKS_TIMINGS.scaleBaseMs +
        (nodegroup.activeSize - nodegroup.standbySize) * DEFAULT_EKS_TIMINGS.scalePerNodeMs,
    ),
  );
  const holdMs = plan.triggers.holdSeconds * 1000;
  const criticalSeconds =
    (holdMs + Math.max(promotionMs, scaleUpMs) + DEFAULT_ROUTE53_TIMINGS.changePropagationMs) / 1000;

  console.log(`${scenarioName} (${plan.name}, ${planFile})`);
  console.log(
    `  critical path: hold ${holdMs / 1000} s + max(promotion ${promotionMs / 1000} s, scale-up ${scaleUpMs / 1000} s) + DNS propagation ${DEFAULT_ROUTE53_TIMINGS.changePropagationMs / 1000} s = ${criticalSeconds} s`,
  );
  console.log(`  achieved RTO:  ${rto.toFixed(1)} s (alarm to traffic switched and verified)`);
  console.log(`  RTO / critical path = ${(rto / criticalSeconds).toFixed(3)} (aim: <= 1.05)`);
  console.log(
    `  modelled ${(rto / 60).toFixed(1)} min replayed in ${(realMs / 1000).toFixed(2)} s of real time`,
  );
}
