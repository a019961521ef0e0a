import { type Clock, systemClock } from './clock.ts';

/**
 * Client-side copy of the portal's leaky bucket (`limits.md`): every request adds 1 to a
 * counter that drains `drainPerSecond` per second; above `burst` the portal answers
 * 503 `QUERY_LIMIT_EXCEEDED`. Keeping our own counter at or below the portal's means, in steady
 * state, the portal never has to refuse us.
 */
export interface LeakyBucketConfig {
  /** X in `limits.md`: 50 on standard plans, 250 on Enterprise. */
  burst: number;
  /** Y in `limits.md`: 2/s on standard plans, 5/s on Enterprise. */
  drainPerSecond: number;
  /**
   * Slots we never use. The portal counts per portal *and source IP*, so other processes on
   * this host share the bucket; a margin also absorbs a portal that drains in whole-second steps.
   */
  reserve?: number;
}

export const STANDARD_PLAN: LeakyBucketConfig = { burst: 50, drainPerSecond: 2, reserve: 2 };
export const ENTERPRISE_PLAN: LeakyBucketConfig = { burst: 250, drainPerSecond: 5, reserve: 5 };

export interface LimiterStats {
  /** Current counter including requests that hold a slot but are still waiting for it. */
  level: number;
  /** Requests that had to wait, and the total wait time in ms. */
  throttled: number;
  waitedMs: number;
}

export class LeakyBucketLimiter {
  #config: Required<LeakyBucketConfig>;
  readonly #clock: Clock;
  #level = 0;
  #updatedAt: number;
  #throttled = 0;
  #waitedMs = 0;

  constructor(config: LeakyBucketConfig = STANDARD_PLAN, clock: Clock = systemClock) {
    this.#config = LeakyBucketLimiter.#validate(config);
    this.#clock = clock;
    this.#updatedAt = clock.now();
  }

  static #validate(config: LeakyBucketConfig): Required<LeakyBucketConfig> {
    const reserve = config.reserve ?? 0;
    if (!(config.burst >= 1) || !(config.drainPerSecond > 0) || reserve < 0 || reserve >= config.burst) {
      throw new RangeError('Leaky bucket needs burst >= 1, drainPerSecond > 0 and 0 <= reserve < burst');
    }
    return { burst: config.burst, drainPerSecond: config.drainPerSecond, reserve };
  }

  get config(): Readonly<Required<LeakyBucketConfig>> {
    return this.#config;
  }

  configure(config: LeakyBucketConfig): void {
    this.#drain();
    this.#config = LeakyBucketLimiter.#validate(config);
  }

  /**
   * Delay (ms) before a request sent now would fit. The slot is booked immediately, so
   * concurrent callers queue in call order without a lock: each one books behind the last.
   */
  reserve(): number {
    this.#drain();
    this.#level += 1;
    const over = this.#level - (this.#config.burst - this.#config.reserve);
    return over > 0 ? (over * 1000) / this.#config.drainPerSecond : 0;
  }

  /** Waits for a slot. Returns the time waited in ms. */
  async acquire(signal?: AbortSignal): Promise<number> {
    const wait = this.reserve();
    if (wait <= 0) return 0;
    this.#throttled += 1;
    this.#waitedMs += wait;
    try {
      await this.#clock.sleep(wait, signal);
    } catch (error) {
      // The booked slot would otherwise delay everyone queued behind an aborted caller.
      this.#drain();
      this.#level = Math.max(0, this.#level - 1);
      throw error;
    }
    return wait;
  }

  /**
   * The portal refused us although our counter said there was room: someone else (another
   * process, a restart mid-burst) filled the bucket. Assume it is full from now on.
   */
  penalize(): void {
    this.#drain();
    this.#level = Math.max(this.#level, this.#config.burst);
  }

  stats(): LimiterStats {
    this.#drain();
    return { level: this.#level, throttled: this.#throttled, waitedMs: this.#waitedMs };
  }

  resetStats(): void {
    this.#throttled = 0;
    this.#waitedMs = 0;
  }

  #drain(): void {
    const now = this.#clock.now();
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#updatedAt = now;
    this.#level = Math.max(0, this.#level - (elapsed * this.#config.drainPerSecond) / 1000);
  }
}

// One bucket per portal in this process: the portal counts all our requests together.
const shared = new Map<string, LeakyBucketLimiter>();

/**
 * The process-wide limiter for `origin`. The first caller's config wins; later callers get
 * the same instance (call `configure()` on it to change the plan).
 */
export function sharedLimiter(origin: string, config?: LeakyBucketConfig, clock?: Clock): LeakyBucketLimiter {
  let limiter = shared.get(origin);
  if (!limiter) {
    limiter = new LeakyBucketLimiter(config, clock);
    shared.set(origin, limiter);
  }
  return limiter;
}
