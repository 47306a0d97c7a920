import type { FleetProgress, RegionOutageResult } from "../sandbox/drill/run-region-outage.js";
import { clockStamp, duration, type Write } from "./drill-output.js";
import { renderTable } from "./text-table.js";

/** One line per plan as the outage reaches it: detected (its failover started), then recovered or failed. */
export function fleetProgressPrinter(write: Write): (event: FleetProgress) => void {
  return (event) => {
    const stamp = clockStamp(event.elapsedSeconds);
    if (event.kind === "dark") {
      write(
        `  ${stamp}  ${event.region} goes dark: ${event.plans} plan${event.plans === 1 ? "" : "s"} active there\n`,
      );
    } else if (event.kind === "detected") {
      write(`  ${stamp}  ${event.plan}: detected, failover started\n`);
    } else {
      write(
        `  ${stamp}  ${event.plan}: ${event.kind === "recovered" ? "recovered" : `failover ended ${event.status}`}\n`,
      );
    }
  };
}

/** The table of the fleet's plans, the slowest against the same plan drilled alone, and what was throttled. */
export function renderFleetSummary(result: RegionOutageResult): string {
  const rows = result.plans.map((plan) => [
    plan.plan,
    `${plan.activeRegion} → ${plan.standbyRegion}`,
    duration(plan.detectionSeconds),
    duration(plan.recoveryRtoSeconds),
    duration(plan.userVisibleRtoSeconds),
    plan.ok ? `yes (≤ ${duration(plan.objectiveSeconds)})` : `NO: ${failure(plan)}`,
  ]);
  const lines = [
    "",
    renderTable(
      ["plan", "active → standby", "detection", "recovery", "user-visible RTO", "objective met?"],
      rows,
    ),
    "",
  ];
  const { slowest } = result;
  if (slowest) {
    const alone =
      slowest.singleUserVisibleRtoSeconds === null
        ? ""
        : `; alone ${duration(slowest.singleUserVisibleRtoSeconds)}, ×${slowest.slowestOverSingle?.toFixed(2) ?? "n/a"}`;
    lines.push(
      `slowest: ${slowest.plan}, user-visible RTO ${duration(slowest.userVisibleRtoSeconds)}${alone}`,
    );
  }
  const throttled = Object.entries(result.throttled);
  lines.push(
    throttled.length === 0
      ? "throttled: nothing (the account's shared limits held)"
      : `throttled: ${throttled.map(([api, count]) => `${api} ${count}`).join(", ")}`,
  );
  for (const check of result.unaffected) {
    lines.push(
      check.untouched
        ? `untouched: ${check.plan} (active in ${check.activeRegion})`
        : `TOUCHED: ${check.plan} (active in ${check.activeRegion}): ${[
            check.noWorkflow ? "" : "a workflow ran",
            check.dnsUnchanged ? "" : "its DNS answers changed",
            ...check.mutations,
          ]
            .filter(Boolean)
            .join("; ")}`,
    );
  }
  for (const denial of result.accessDenied) lines.push(`access denied: ${denial}`);
  lines.push(result.ok ? "fleet: every plan recovered within its RTO, invariants held" : "fleet: NOT OK");
  return `${lines.join("\n")}\n`;
}

function failure(plan: RegionOutageResult["plans"][number]): string {
  if (plan.status !== "succeeded")
    return `failover ${plan.status ?? "never started"}${plan.reason ? ` (${plan.reason})` : ""}`;
  const broken = Object.entries(plan.invariants).filter(([, held]) => !held);
  if (broken.length > 0) return `invariant ${broken.map(([name]) => name).join(", ")} broken`;
  return `over its RTO of ${duration(plan.objectiveSeconds)}`;
}

/** `--json`: the documented document, and nothing else. */
export function fleetJson(result: RegionOutageResult): string {
  return `${JSON.stringify(
    {
      region: result.region,
      ok: result.ok,
      plans: result.plans.map((plan) => ({
        plan: plan.plan,
        activeRegion: plan.activeRegion,
        standbyRegion: plan.standbyRegion,
        status: plan.status,
        userVisibleRtoSeconds: plan.userVisibleRtoSeconds,
        recoveryRtoSeconds: plan.recoveryRtoSeconds,
        detectionSeconds: plan.detectionSeconds,
        objectiveSeconds: plan.objectiveSeconds,
        invariants: plan.invariants,
        ok: plan.ok,
      })),
      slowest: result.slowest,
      unaffected: result.unaffected,
      throttled: result.throttled,
      lambdaPeakConcurrency: result.lambdaPeakConcurrency,
      taskPeakConcurrency: result.taskPeakConcurrency,
    },
    null,
    2,
  )}\n`;
}
