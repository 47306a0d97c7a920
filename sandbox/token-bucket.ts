/** A token bucket's shape: how many calls may come at once, and how fast the allowance comes back. */
export interface BucketSpec {
  /** The bucket's size: the burst allowed from a full bucket. */
  burst: number;
  /** Tokens added each second, up to the bucket's size: the sustained rate. */
  refillPerSecond: number;
}

/**
 * The token bucket AWS describes for its API throttling: each call takes a token, a call finding none is
 * throttled, and tokens come back at a steady rate. Time is whatever clock the caller reads, so the
 * sandbox's virtual clock refills it exactly as modelled time passes.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly spec: BucketSpec,
    nowMs: number,
  ) {
    this.tokens = spec.burst;
    this.lastMs = nowMs;
  }

  /** Takes `count` tokens if the bucket holds them; false (and nothing taken) if not. */
  take(nowMs: number, count = 1): boolean {
    if (nowMs > this.lastMs) {
      this.tokens = Math.min(
        this.spec.burst,
        this.tokens + ((nowMs - this.lastMs) / 1000) * this.spec.refillPerSecond,
      );
      this.lastMs = nowMs;
    }
    if (this.tokens < count) return false;
    this.tokens -= count;
    return true;
  }
}
