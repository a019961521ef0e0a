/**
 * The request-intensity limit of limits.md: a leaky bucket per portal and source IP. Each request
 * adds one; the level drains by `drainPerSecond`; a request that would lift it over `burst` is
 * refused (503 QUERY_LIMIT_EXCEEDED) and does not add to it.
 */
export interface RateLimitOptions {
  burst: number;
  drainPerSecond: number;
}

/** Standard plans; Enterprise is `ENTERPRISE_RATE_LIMIT` (limits.md). */
export const STANDARD_RATE_LIMIT: RateLimitOptions = { burst: 50, drainPerSecond: 2 };
export const ENTERPRISE_RATE_LIMIT: RateLimitOptions = { burst: 250, drainPerSecond: 5 };

interface Bucket {
  level: number;
  at: number;
}

export class LeakyBucket {
  private options: RateLimitOptions | false;
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(options: RateLimitOptions | false, now: () => number = Date.now) {
    this.options = options;
    this.now = now;
  }

  configure(options: RateLimitOptions | false): void {
    this.options = options;
    this.buckets.clear();
  }

  get settings(): RateLimitOptions | false {
    return this.options;
  }

  /** Counts one request from `key`; false when it must be refused. */
  take(key: string): boolean {
    if (this.options === false) return true;
    const level = this.level(key);
    if (level + 1 > this.options.burst) return false;
    this.buckets.set(key, { level: level + 1, at: this.now() });
    return true;
  }

  level(key: string): number {
    if (this.options === false) return 0;
    const b = this.buckets.get(key);
    if (!b) return 0;
    const drained = ((this.now() - b.at) / 1000) * this.options.drainPerSecond;
    return Math.max(0, b.level - drained);
  }

  reset(): void {
    this.buckets.clear();
  }
}
