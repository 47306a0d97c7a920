/**
 * Which member clusters of a global database accepted writes, and when: the ground truth the drill's
 * `oneWriter` invariant is judged on, kept apart from what the RDS API reports about it.
 */
export interface WriterInterval {
  clusterArn: string;
  region: string;
  /**
   * "primary": the global database's writer. "stale": an old primary that a data-loss failover left
   * behind, still taking writes after its region came back because Aurora's fencing is best effort.
   */
  role: "primary" | "stale";
  from: Date;
  /** Absent while it still accepts writes. */
  until?: Date;
}

export interface FencingTimings {
  /** After a data-loss failover, how long the old primary goes on taking writes once its region answers. */
  staleWriterMs: number;
  /** Then how long Aurora takes to rebuild it as a secondary ("pending-resync" until done). */
  resyncMs: number;
}

/**
 * The modelled while of Aurora's best-effort fencing (see RdsModel.fence). AWS gives no figure for the
 * first and "minutes to hours" for the rebuild; both end before the drill's failback, 10 minutes after
 * the region returns, so a failback finds a synchronized secondary.
 */
export const DEFAULT_FENCING_TIMINGS: FencingTimings = { staleWriterMs: 90_000, resyncMs: 5 * 60_000 };

export function acceptsAt(span: WriterInterval, at: Date): boolean {
  return span.from <= at && (span.until === undefined || at < span.until);
}

export class WriteHistory {
  private readonly spans = new Map<string, WriterInterval[]>();

  open(
    globalId: string,
    member: { arn: string; region: string },
    role: WriterInterval["role"],
    from: Date,
  ): void {
    const spans = this.spans.get(globalId) ?? [];
    spans.push({ clusterArn: member.arn, region: member.region, role, from });
    this.spans.set(globalId, spans);
  }

  /** Ends the open span of that cluster, if any. */
  close(globalId: string, clusterArn: string, until: Date): void {
    for (const span of this.spans.get(globalId) ?? []) {
      if (span.clusterArn === clusterArn && span.until === undefined) span.until = until;
    }
  }

  of(globalId: string): WriterInterval[] {
    return (this.spans.get(globalId) ?? []).map((span) => ({ ...span }));
  }
}
