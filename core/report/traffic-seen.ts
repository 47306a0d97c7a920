import type { Plan } from "../plan/schema.js";
import type { AuditRecord } from "../ports/audit.js";

const GATE_ACTIONS = new Set([
  "route53-recovery-cluster:UpdateRoutingControlStates",
  "cloudwatch:PutMetricData",
  "s3:PutObject",
]);

/**
 * Where users were sent, judged as they resolved it: on the DNS answers the switch step (and the
 * verification, in gates mode) read from the zone's name servers, never on which records kirikae
 * changed. Without such an answer the report says what kirikae did to DNS and that the answers were
 * not recorded, for Route 53's health checks move failover records on their own.
 */
export type TrafficSeen =
  | {
      kind: "answered";
      at: string;
      /** When kirikae changed DNS (records or gates), where that came before the answers were confirmed. */
      changed?: { at: string; how: "records" | "gates" };
      /** The region every answer points at, where the plan's targets say so. */
      region?: string;
      answers: Array<{ name: string; values: string[]; region?: string }>;
    }
  | { kind: "changed-unconfirmed"; at: string; how: "records" | "gates" }
  | {
      kind: "not-changed";
      /** A DNS change kirikae tried, and the error it got. */
      failedChange?: { at: string; message: string };
      /** Failover records answer by their health checks: Route 53 may have moved users by itself. */
      healthChecksRoute: boolean;
    };

export function trafficSeen(plan: Plan, records: readonly AuditRecord[]): TrafficSeen {
  const switched = records.find((record) => record.action === "traffic.switched");
  const answers = answersOf(switched?.after);
  const changes = records.filter(
    (record) =>
      record.kind === "outcome" &&
      (record.action === "route53:ChangeResourceRecordSets" || isGateMove(plan, record)),
  );
  const done = changes.find((record) => record.outcome === "ok");
  const how = (record: AuditRecord) =>
    record.action === "route53:ChangeResourceRecordSets" ? ("records" as const) : ("gates" as const);
  if (switched && answers) {
    const named = answers.map(({ name, values }) => {
      const region = regionAnswered(plan, name, values);
      return { name, values, ...(region ? { region } : {}) };
    });
    const regions = new Set(named.map((answer) => answer.region));
    const [only] = regions;
    return {
      kind: "answered",
      at: switched.at,
      ...(done && done.at < switched.at ? { changed: { at: done.at, how: how(done) } } : {}),
      ...(regions.size === 1 && only ? { region: only } : {}),
      answers: named,
    };
  }
  if (done) return { kind: "changed-unconfirmed", at: done.at, how: how(done) };
  const failed = changes.find((record) => record.outcome === "failed");
  return {
    kind: "not-changed",
    ...(failed ? { failedChange: { at: failed.at, message: failed.error?.message ?? "" } } : {}),
    healthChecksRoute: plan.dns.routing === "failover",
  };
}

/** Gate moves share their AWS actions with other calls (a digest is an s3:PutObject too): the resource says. */
function isGateMove(plan: Plan, record: AuditRecord): boolean {
  return GATE_ACTIONS.has(record.action) && (record.resource ?? "").startsWith(`${plan.name}/gates/`);
}

function answersOf(after: unknown): Array<{ name: string; values: string[] }> | undefined {
  const answers = (after as { answers?: unknown } | undefined)?.answers;
  if (typeof answers !== "object" || answers === null) return undefined;
  return Object.entries(answers).map(([name, values]) => ({
    name,
    values: Array.isArray(values) ? values.map(String) : [],
  }));
}

/** The region whose target the answer names; a record's answer is its target's value or alias name. */
function regionAnswered(plan: Plan, name: string, values: readonly string[]): string | undefined {
  const record = plan.dns.records.find((candidate) => normalise(candidate.name) === normalise(name));
  if (!record) return undefined;
  const wanted = new Set(values.map(normalise));
  for (const [region, target] of Object.entries(record.targets)) {
    const value = target?.alias?.dnsName ?? target?.value;
    if (value && wanted.has(normalise(value))) return region;
  }
  return undefined;
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}
