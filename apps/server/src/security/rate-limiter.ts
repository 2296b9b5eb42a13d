/** Keys tracked at most; past it the stalest go, so many addresses cannot grow memory without bound. */
const MAX_KEYS = 10_000;

/**
 * A token bucket per key: `perMinute` tokens refill evenly over a minute and a burst of up to a minute's
 * worth may be spent at once. `take` says how long to wait when the bucket is empty.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perMinute: number) {}

  take(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfterS: number } {
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000);
    bucket.at = now;
    this.buckets.delete(key);
    this.buckets.set(key, bucket); // most recently used last, for eviction
    if (this.buckets.size > MAX_KEYS) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterS: Math.max(1, Math.ceil(((1 - bucket.tokens) * 60_000) / this.perMinute / 1000)) };
  }
}
