import { databaseViews } from "../core/blocks/block-views.js";
import type { DnsRecord, Plan } from "../core/plan/schema.js";
import type { ModelContext } from "./service-model.js";
import type { RdsModel } from "./services/rds-model.js";
import type { Route53Model } from "./services/route53-model.js";
import type { VirtualClock } from "./virtual-clock.js";

/** Where users are sent and where writes land, sampled each modelled second. */
export interface TrafficReport {
  /** Seconds in which some record's answer named a region other than the writer's, while there was a writer. */
  nonWriterSeconds: number;
  /** Seconds in which no cluster was the writer (a promotion under way): downtime, not misdirection. */
  noWriterSeconds: number;
  /**
   * Seconds in which some record sent users to a region that could not serve them (its region down, or
   * its endpoint failing its health check): downtime too, and no write can land on a read-only database.
   */
  unservedSeconds: number;
  /** Each record's region as Route 53's data plane answers it now; "none" when the answer names no region. */
  records: Record<string, string>;
  /** The same misdirected seconds counted per record, to say which record sent users astray. */
  nonWriterSecondsByRecord: Record<string, number>;
  /**
   * The regions some record sent users to and that served them, from each sampled second on, recorded
   * when it changes: what the `oneWriter` invariant sets against the clusters that accepted writes.
   */
  reached: ReachedSpan[];
}

export interface ReachedSpan {
  from: Date;
  regions: string[];
}

/** The state at one sampled instant. */
export interface TrafficSnapshot {
  /** The writer's region, or undefined while no cluster is the writer. */
  writerRegion: string | undefined;
  /** Each record's answered regions (several only for multivalue answers); empty when none matches. */
  records: Record<string, string[]>;
  /** The plan's regions whose first record's endpoint serves users now (region up, endpoint healthy). */
  serving: string[];
}

export interface TrafficSampler {
  /** What has been sampled so far. */
  report(): TrafficReport;
  /** Stops sampling; the report's `records` are the answers at that moment. */
  stop(): TrafficReport;
}

export interface TrafficSamplerOptions {
  clock: VirtualClock;
  plan: Plan;
  rds: Pick<RdsModel, "writerOf" | "statusOf">;
  route53: Pick<Route53Model, "answer">;
  /** Whether users sent to this region for this record are served there (region up, endpoint healthy). */
  serves(region: string, record: DnsRecord): boolean;
  /** Called at each sampled second whose state differs from the one before (or, first, from the start). */
  onChange?: (snapshot: TrafficSnapshot) => void;
}

const SECOND_MS = 1_000;

/**
 * Judges invariant 1 on what users get rather than on what kirikae changed: health checks move traffic
 * too (Route 53 failover records answer with the secondary as soon as the primary's health check fails:
 * Route 53 API reference, ResourceRecordSet, Failover,
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html).
 *
 * Each whole modelled second s is one sample, taken at s itself: the clock stops on every second
 * (`everyMs`), so a promotion that RdsModel completes lazily between two timers is seen in the second it
 * completes, and an actor's change at s counts from the next second. A long move still costs one read
 * per second, which is microseconds; correctness of the count matters more.
 */
export function startTrafficSampler(options: TrafficSamplerOptions): TrafficSampler {
  const { clock, plan, rds, route53 } = options;
  const byRecord: Record<string, number> = Object.fromEntries(
    plan.dns.records.map((record) => [record.name, 0]),
  );
  let nonWriterSeconds = 0;
  let noWriterSeconds = 0;
  let unservedSeconds = 0;
  let stopped = false;
  const reached: ReachedSpan[] = [];

  const [firstRecord] = plan.dns.records;
  const read = (): TrafficSnapshot => ({
    writerRegion: applicationWriter(rds, plan),
    serving: firstRecord ? plan.regions.filter((region) => options.serves(region, firstRecord)) : [],
    records: Object.fromEntries(
      plan.dns.records.map((record) => [
        record.name,
        answeredRegions(plan, record, route53.answer(plan.dns.hostedZoneId, record.name, record.type)),
      ]),
    ),
  });

  const initial = read();
  let previous = JSON.stringify(initial);
  noteReached(reached, plan, initial, options.serves, clock.now());
  const unsubscribe = clock.onAdvance(
    (fromMs, toMs) => {
      const seconds = Math.floor(toMs / SECOND_MS) - Math.floor(fromMs / SECOND_MS);
      if (seconds <= 0) return;
      const snapshot = read();
      const key = JSON.stringify(snapshot);
      if (key !== previous) options.onChange?.(snapshot);
      previous = key;
      const { writerRegion: writer } = snapshot;
      const unserved = plan.dns.records.some((record) =>
        (snapshot.records[record.name] ?? []).some((region) => !options.serves(region, record)),
      );
      if (unserved) unservedSeconds += seconds;
      noteReached(reached, plan, snapshot, options.serves, clock.now());
      if (writer === undefined) {
        noWriterSeconds += seconds;
        return;
      }
      // Misdirection is a user served by a region whose database cannot take their writes. A record that
      // answers with no region of the plan, or with a region that cannot serve, is an outage instead.
      const astray = plan.dns.records
        .filter((record) =>
          (snapshot.records[record.name] ?? []).some(
            (region) => region !== writer && options.serves(region, record),
          ),
        )
        .map((record) => [record.name] as const);
      if (astray.length > 0) nonWriterSeconds += seconds;
      for (const [name] of astray) byRecord[name] = (byRecord[name] ?? 0) + seconds;
    },
    { everyMs: SECOND_MS },
  );

  const report = (): TrafficReport => ({
    nonWriterSeconds,
    noWriterSeconds,
    unservedSeconds,
    records: Object.fromEntries(
      Object.entries(read().records).map(([name, regions]) => [
        name,
        regions.length === 0 ? "none" : regions.join("+"),
      ]),
    ),
    nonWriterSecondsByRecord: { ...byRecord },
    reached: reached.map((span) => ({ ...span, regions: [...span.regions] })),
  });

  return {
    report,
    stop: () => {
      if (!stopped) unsubscribe();
      stopped = true;
      return report();
    },
  };
}

/**
 * RdsModel keeps the old writer's IsWriter until a promotion completes, yet while the global cluster is
 * "switching-over" or "failing-over" neither cluster takes writes: Aurora demotes the old primary to
 * read-only and "your database is unavailable for a short time while the primary and selected secondary
 * clusters are assuming their new roles" (RDS API reference, SwitchoverGlobalCluster,
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_SwitchoverGlobalCluster.html); an
 * unplanned failover promotes the secondary only once the old primary is out of the picture. So "no
 * writer" means: a promotion is under way, or the global cluster is unknown. A writer whose region is
 * down is still the writer: users sent elsewhere meanwhile reach a read-only database.
 */
/**
 * Where the application takes writes: the region where every one of its global databases has its writer;
 * none while any is being promoted or their writers are in different regions (users anywhere then meet
 * a read-only database for part of what they do). Every database is read each second, as Aurora's own
 * clock runs for all of them.
 */
function applicationWriter(rds: TrafficSamplerOptions["rds"], plan: Plan): string | undefined {
  const writers = databaseViews(plan).map((view) => writerRegion(rds, view.database.globalClusterIdentifier));
  const [first] = writers;
  return writers.every((writer) => writer !== undefined && writer === first) ? first : undefined;
}

function writerRegion(rds: TrafficSamplerOptions["rds"], globalClusterId: string): string | undefined {
  if (rds.statusOf(globalClusterId) !== "available") return undefined;
  return rds.writerOf(globalClusterId)?.region;
}

/** Which regions users were sent to and served by at this second; a new span when that changes. */
function noteReached(
  reached: ReachedSpan[],
  plan: Plan,
  snapshot: TrafficSnapshot,
  serves: TrafficSamplerOptions["serves"],
  at: Date,
): void {
  const regions = plan.regions.filter((region) =>
    plan.dns.records.some(
      (record) => (snapshot.records[record.name] ?? []).includes(region) && serves(region, record),
    ),
  );
  const last = reached[reached.length - 1];
  if (last && last.regions.join() === regions.join()) return;
  reached.push({ from: at, regions });
}

/** The plan's regions whose target value for this record the answer contains. */
function answeredRegions(plan: Plan, record: DnsRecord, answer: readonly string[]): string[] {
  const answered = new Set(answer.map(normalise));
  return plan.regions.filter((region) => {
    const value = record.targets[region]?.value;
    return value !== undefined && answered.has(normalise(value));
  });
}

function normalise(value: string): string {
  return value.toLowerCase().replace(/\.$/, "");
}

/**
 * Users reach a region's endpoint when the region answers and the endpoint passes its own health check
 * (the target's, not a gate's): the test the sampler applies before calling an answer misdirection.
 */
export function endpointServes(
  estate: Pick<ModelContext, "isRegionUp">,
  route53: Pick<Route53Model, "isHealthy">,
): (region: string, record: DnsRecord) => boolean {
  return (region, record) => {
    const endpointCheck = record.targets[region]?.healthCheckId;
    return estate.isRegionUp(region) && (endpointCheck === undefined || route53.isHealthy(endpointCheck));
  };
}
