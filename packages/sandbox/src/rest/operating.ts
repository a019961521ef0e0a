/**
 * The resource limit of limits.md: execution time per method is summed over a sliding window of
 * one-minute baskets (10 × 60 s); past `limitSeconds` the method answers 429 OPERATION_TIME_LIMIT
 * until old baskets expire. Off by default; costs are simulated so tests can trip it quickly.
 */
export interface OperatingLimitOptions {
  /** Seconds of summed execution a method may use within the window (docs: 480). */
  limitSeconds: number;
  /** Window length in seconds (docs: 600, ten one-minute baskets). */
  windowSeconds?: number;
  /** Basket length in seconds (docs: 60). */
  basketSeconds?: number;
  /** Simulated seconds per call, by method; methods not listed use `defaultCostSeconds`. */
  costSeconds?: Record<string, number>;
  /** Simulated seconds for other methods; when absent, the measured processing time is used. */
  defaultCostSeconds?: number;
}

export const DOCUMENTED_OPERATING_LIMIT: OperatingLimitOptions = {
  limitSeconds: 480,
  windowSeconds: 600,
  basketSeconds: 60,
};

export class OperatingTracker {
  private options: OperatingLimitOptions | false;
  /** method → basket index → seconds */
  private readonly usage = new Map<string, Map<number, number>>();
  private readonly now: () => number;

  constructor(options: OperatingLimitOptions | false, now: () => number = Date.now) {
    this.options = options;
    this.now = now;
  }

  configure(options: OperatingLimitOptions | false): void {
    this.options = options;
    this.usage.clear();
  }

  private get basketMs(): number {
    const o = this.options === false ? DOCUMENTED_OPERATING_LIMIT : this.options;
    return (o.basketSeconds ?? 60) * 1000;
  }

  private get baskets(): number {
    const o = this.options === false ? DOCUMENTED_OPERATING_LIMIT : this.options;
    const window = o.windowSeconds ?? 600;
    return Math.max(1, Math.round((window * 1000) / this.basketMs));
  }

  private prune(method: string): Map<number, number> {
    let m = this.usage.get(method);
    if (!m) {
      m = new Map();
      this.usage.set(method, m);
    }
    const current = Math.floor(this.now() / this.basketMs);
    for (const k of m.keys()) if (k <= current - this.baskets) m.delete(k);
    return m;
  }

  cost(method: string, measuredSeconds: number): number {
    if (!this.options) return measuredSeconds;
    return this.options.costSeconds?.[method] ?? this.options.defaultCostSeconds ?? measuredSeconds;
  }

  record(method: string, seconds: number): void {
    const m = this.prune(method);
    const current = Math.floor(this.now() / this.basketMs);
    m.set(current, (m.get(current) ?? 0) + seconds);
  }

  /** `operating` and `operating_reset_at` for the time block. */
  state(method: string): { operating: number; resetAt: number } {
    const m = this.prune(method);
    let total = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [k, v] of m) {
      total += v;
      oldest = Math.min(oldest, k);
    }
    const current = Math.floor(this.now() / this.basketMs);
    const first = Number.isFinite(oldest) ? oldest : current;
    return { operating: total, resetAt: Math.floor(((first + this.baskets) * this.basketMs) / 1000) };
  }

  blocked(method: string): boolean {
    if (!this.options) return false;
    return this.state(method).operating >= this.options.limitSeconds;
  }

  reset(): void {
    this.usage.clear();
  }
}
