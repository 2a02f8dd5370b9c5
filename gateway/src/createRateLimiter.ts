export interface RateLimit {
  /** Requests a caller may make in a burst. */
  burst: number;
  /** Requests per second the bucket refills with. */
  perSecond: number;
}

export interface RateLimiter {
  /** Takes one request from `key`'s bucket: undefined if allowed, else the seconds to wait. */
  take(key: string): number | undefined;
}

/**
 * A token bucket per key, in this process's memory. Each gateway replica keeps its own
 * buckets, so N replicas behind a load balancer allow up to N times the rate: divide the
 * configured rate by the replica count, or move the buckets to a shared store (Redis with an
 * atomic script) when the platform runs more than a few replicas. Buckets idle long enough to
 * be full again are forgotten, so memory stays bounded by the callers of the last minutes.
 */
export function createRateLimiter(limit: RateLimit, now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refillMs = (limit.burst / limit.perSecond) * 1000;
  let lastSweep = now();

  function sweep(time: number): void {
    if (time - lastSweep < refillMs) return;
    lastSweep = time;
    for (const [key, bucket] of buckets) if (time - bucket.at >= refillMs) buckets.delete(key);
  }

  return {
    take(key) {
      const time = now();
      sweep(time);
      const bucket = buckets.get(key) ?? { tokens: limit.burst, at: time };
      bucket.tokens = Math.min(limit.burst, bucket.tokens + ((time - bucket.at) / 1000) * limit.perSecond);
      bucket.at = time;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return undefined;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
    },
  };
}
