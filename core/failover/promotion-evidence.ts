import type { Plan } from "../plan/schema.js";
import type {
  ClusterObservation,
  GlobalClusterState,
  GlobalDatabasePort,
  LagReading,
} from "../ports/global-database.js";
import type { CheckResult } from "../workflow/check-result.js";
import { type ClusterCondition, clusterCondition } from "./cluster-statuses.js";
import { type HealthCheckReader, healthCheckChecks } from "./health-check-reads.js";
import type { PrimaryVerdict } from "./promotion-decision.js";

/** How long kirikae keeps looking when the evidence disagrees, before it escalates or asks. */
export const EVIDENCE_WINDOW_SECONDS = 300;
/** An old primary that stops answering is judged down only once it has stayed silent this long. */
export const DOWN_CONFIRM_SECONDS = 20;
/** Between two looks while the evidence is unsure. */
export const EVIDENCE_POLL_SECONDS = 10;
/** Lag below this, on a first look, means replication still flows from a primary that is alive. */
const FLOWING_LAG_MS = 30_000;
/** The observations kept in the step's state: enough to judge growth and duration, small for Step Functions. */
const KEPT_OBSERVATIONS = 6;

/** One look at the old primary from every side kirikae can see it from. */
export interface PrimaryObservation {
  at: string;
  /** Its own region's RDS API, through a probe client (advisory: that region may be the one down). */
  api: ClusterObservation;
  /** What its status means, per the documented list; "unreachable" when the API did not answer. */
  condition: ClusterCondition | "unreachable";
  /** Its region's Route 53 health checks, read from us-east-1 (advisory: "unknown" without an answer). */
  health: "healthy" | "unhealthy" | "unknown";
  /** The target's lag: a small or steady lag means the old primary still replicates, so it is alive. */
  lag: LagReading;
  /** The global cluster as the recovery region sees it. */
  global: { status: string; writer: string | null };
}

export interface EvidenceWindow {
  startedAt: string;
  observations: PrimaryObservation[];
}

export interface Judgement {
  verdict: PrimaryVerdict;
  /** Each source's reading, in words, for the decision record. */
  reasons: string[];
}

export interface EvidenceDeps {
  database: GlobalDatabasePort;
  healthChecks: HealthCheckReader;
}

/** Reads every source once; never throws for the advisory ones. The lag read is required (target region). */
export async function observePrimary(
  plan: Plan,
  sourceRegion: string,
  sourceArn: string,
  targetArn: string,
  global: GlobalClusterState,
  deps: EvidenceDeps,
  at: Date,
): Promise<PrimaryObservation> {
  const api = await deps.database.observeCluster(sourceArn);
  const checks = await healthCheckChecks(plan, sourceRegion, deps.healthChecks);
  const lag = await deps.database.replicationLag(targetArn, {
    engine: global.engine,
    engineVersion: global.engineVersion,
  });
  return {
    at: at.toISOString(),
    api,
    condition: api.answered ? clusterCondition(api.status) : "unreachable",
    health: healthOf(checks),
    lag,
    global: {
      status: global.status,
      writer: global.members.find((member) => member.isWriter)?.clusterArn ?? null,
    },
  };
}

function healthOf(checks: CheckResult[]): PrimaryObservation["health"] {
  const answered = checks.filter((check) => check.unanswered !== true);
  if (answered.length === 0) return "unknown";
  return answered.every((check) => check.ok) ? "healthy" : "unhealthy";
}

/** Adds a look to the window, keeping the first moment and the latest few looks. */
export function extendWindow(
  window: EvidenceWindow | undefined,
  observation: PrimaryObservation,
): EvidenceWindow {
  const observations = [...(window?.observations ?? []), observation].slice(-KEPT_OBSERVATIONS);
  return { startedAt: window?.startedAt ?? observation.at, observations };
}

/**
 * Judges the old primary from the window's looks, latest last:
 *   its API answers: its status decides (healthy is alive; stopped and the like are down; the rest unsure)
 *   its API does not answer: alive evidence (replication still flowing, its health checks healthy) makes
 *     it unsure; with none, it is down once it has stayed silent DOWN_CONFIRM_SECONDS over two looks or more
 */
export function judgePrimary(window: EvidenceWindow): Judgement {
  const latest = window.observations.at(-1);
  if (!latest) return { verdict: "unsure", reasons: ["no observation yet"] };
  const reasons = [apiReason(latest), `health checks: ${latest.health}`, lagReason(window)];
  if (latest.api.answered) {
    const verdict = latest.condition === "alive" ? "alive" : latest.condition === "down" ? "down" : "unsure";
    return { verdict, reasons };
  }
  const flowing = replicationFlowing(window);
  if (flowing === true || latest.health === "healthy") return { verdict: "unsure", reasons };
  const silentSince = silentRunStart(window.observations);
  const silentSeconds = (Date.parse(latest.at) - Date.parse(silentSince.at)) / 1000;
  const looks = window.observations.length - window.observations.indexOf(silentSince);
  if (looks >= 2 && silentSeconds >= DOWN_CONFIRM_SECONDS) {
    reasons.push(`silent for ${silentSeconds.toFixed(0)} s over ${looks} looks`);
    return { verdict: "down", reasons };
  }
  reasons.push(`silent for ${silentSeconds.toFixed(0)} s: not yet long enough to call it down`);
  return { verdict: "unsure", reasons };
}

/** Whether replication from the old primary still flows: true, false, or undefined when it cannot tell. */
export function replicationFlowing(window: EvidenceWindow): boolean | undefined {
  const known = window.observations.filter((observation) => observation.lag.ms !== null);
  const latest = known.at(-1);
  if (!latest || latest.lag.ms === null) return undefined;
  const previous = known.at(-2);
  if (previous && previous.lag.ms !== null) {
    const elapsedMs = Date.parse(latest.at) - Date.parse(previous.at);
    // A stalled stream's lag grows as fast as time passes; a live one's holds steady or shrinks.
    if (elapsedMs >= 1000) return latest.lag.ms - previous.lag.ms < elapsedMs / 2;
  }
  return latest.lag.ms < FLOWING_LAG_MS ? true : undefined;
}

function silentRunStart(observations: PrimaryObservation[]): PrimaryObservation {
  let start = observations.length - 1;
  while (start > 0 && observations[start - 1]?.api.answered === false) start--;
  return observations[start] as PrimaryObservation;
}

function apiReason(observation: PrimaryObservation): string {
  return observation.api.answered
    ? `RDS API: status ${observation.api.status} (${observation.condition})`
    : `RDS API: no answer (${observation.api.error})`;
}

function lagReason(window: EvidenceWindow): string {
  const lag = window.observations.at(-1)?.lag;
  if (!lag) return "lag: not read";
  const flowing = replicationFlowing(window);
  const value = lag.ms === null ? "unknown" : `${(lag.ms / 1000).toFixed(1)} s`;
  const stream = flowing === undefined ? "" : flowing ? ", replication flowing" : ", replication stalled";
  return `lag (${lag.metric}): ${value}${stream}`;
}
