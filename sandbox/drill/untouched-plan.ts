import { computeViews, databaseViews, dnsViews } from "../../core/blocks/block-views.js";
import type { Plan } from "../../core/plan/schema.js";
import type { BuiltEstate } from "../build-estate.js";
import type { CallRecord } from "../call-history.js";

/** What a plan the outage did not reach looked like afterwards: proof that the fleet's drill left it alone. */
export interface UntouchedCheck {
  plan: string;
  activeRegion: string;
  /** No failover or failback of this plan ran. */
  noWorkflow: boolean;
  /** Successful mutating calls naming any of its resources (none, for a plan left alone). */
  mutations: string[];
  /** Every record's DNS answer is the one it gave before the outage. */
  dnsUnchanged: boolean;
  untouched: boolean;
}

export interface UntouchedWatch {
  /** Judges the plan once the drill is over, on the sandbox's own history of calls and DNS answers. */
  check(calls: readonly CallRecord[], workflows: number): UntouchedCheck;
}

/** Records a plan's DNS answers before the incident, to compare with them afterwards. */
export function watchUntouched(plan: Plan, built: BuiltEstate): UntouchedWatch {
  const answers = () => JSON.stringify(dnsAnswers(plan, built));
  const before = answers();
  const names = resourceNames(plan);
  return {
    check(calls, workflows) {
      const mutations = calls
        .filter((call) => call.mutating && call.error === undefined && names.test(JSON.stringify(call.input)))
        .map((call) => `${call.service}:${call.operation} in ${call.region}`);
      const dnsUnchanged = answers() === before;
      return {
        plan: plan.name,
        activeRegion: plan.activeRegion,
        noWorkflow: workflows === 0,
        mutations,
        dnsUnchanged,
        untouched: workflows === 0 && mutations.length === 0 && dnsUnchanged,
      };
    },
  };
}

function dnsAnswers(plan: Plan, built: BuiltEstate): Record<string, string[]> {
  const answers: Record<string, string[]> = {};
  for (const view of dnsViews(plan)) {
    for (const record of view.dns.records) {
      answers[`${view.dns.hostedZoneId}/${record.name}/${record.type}`] = built.models.route53.answer(
        view.dns.hostedZoneId,
        record.name,
        record.type,
      );
    }
  }
  return answers;
}

/**
 * Every name of the plan's own resources, matched whole (not as a prefix of another plan's `shop-010`):
 * global clusters and member clusters, zones, health checks, gates, EKS clusters, trigger alarms.
 */
function resourceNames(plan: Plan): RegExp {
  const names = new Set<string>();
  for (const view of databaseViews(plan)) {
    names.add(view.database.globalClusterIdentifier);
    for (const arn of Object.values(view.database.members)) names.add(arn);
  }
  for (const view of dnsViews(plan)) {
    names.add(view.dns.hostedZoneId);
    if (view.dns.gates && "bucket" in view.dns.gates) names.add(String(view.dns.gates.bucket));
    for (const record of view.dns.records) {
      for (const target of Object.values(record.targets)) {
        if (target.healthCheckId) names.add(target.healthCheckId);
      }
    }
  }
  for (const view of computeViews(plan)) {
    for (const cluster of view.compute.clusters) names.add(cluster.name);
  }
  for (const alarm of plan.triggers.alarms) names.add(alarm.name);
  const escaped = [...names].filter(Boolean).map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`(?<![A-Za-z0-9-])(${escaped.join("|")})(?![A-Za-z0-9-])`);
}
