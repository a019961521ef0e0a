import { type Clock, systemClock } from './clock.ts';

/**
 * Client-side copy of the portal's leaky bucket (`limits.md`): every request adds 1 to a
 * counter that drains `drainPerSecond` per second; above `burst` the portal answers
 * 503 `QUERY_LIMIT_EXCEEDED`. If our counter never undercounts the portal's, the portal never
 * has to refuse us.
 *
 * We cannot know when a request reaches the portal, only that it is between sending it and
 * receiving the answer. A request therefore counts as "in flight" (a full unit that does not
 * drain) until its answer arrives, and only then joins the draining bucket: arriving later can
 * only raise the portal's counter, so this bounds it from above whatever the latency. In steady
 * state throughput is still the drain rate; the cost is one round trip of delay.
 */
export interface LeakyBucketConfig {
  /** X in `limits.md`: 50 on standard plans, 250 on Enterprise. */
  burst: number;
  /** Y in `limits.md`: 2/s on standard plans, 5/s on Enterprise. */
  drainPerSecond: number;
  /**
   * Slots we leave unused (default 0). The portal counts per portal *and source IP*, so other
   * processes on this host share the bucket, and a portal may drain in whole-second steps.
   */
  reserve?: number;
}

/** One second of drain in reserve (see `reserve`). */
export const STANDARD_PLAN: LeakyBucketConfig = { burst: 50, drainPerSecond: 2, reserve: 2 };
export const ENTERPRISE_PLAN: LeakyBucketConfig = { burst: 250, drainPerSecond: 5, reserve: 5 };

/** Hold it while the request is on the wire; `release()` once the answer (or failure) is in. */
export interface LimiterTicket {
  readonly waitedMs: number;
  release(): void;
}

export interface LimiterStats {
  /** Drained counter of answered requests. */
  level: number;
  inFlight: number;
  queued: number;
  /** Requests that had to wait, and the total wait in ms. */
  throttled: number;
  waitedMs: number;
}

interface Waiter {
  enqueuedAt: number;
  resolve(ticket: LimiterTicket): void;
  reject(reason: unknown): void;
  detach(): void;
}

export class LeakyBucketLimiter {
  #config: Required<LeakyBucketConfig>;
  readonly #clock: Clock;
  #level = 0;
  #updatedAt: number;
  #inFlight = 0;
  readonly #queue: Waiter[] = [];
  #timer: AbortController | undefined;
  #throttled = 0;
  #waitedMs = 0;

  constructor(config: LeakyBucketConfig = STANDARD_PLAN, clock: Clock = systemClock) {
    this.#config = LeakyBucketLimiter.#validate(config);
    this.#clock = clock;
    this.#updatedAt = clock.now();
  }

  static #validate(config: LeakyBucketConfig): Required<LeakyBucketConfig> {
    const reserve = config.reserve ?? 0;
    if (!(config.burst >= 1) || !(config.drainPerSecond > 0) || reserve < 0 || reserve > config.burst - 1) {
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
    this.#pump();
  }

  /** Waits, in call order, until one more request fits in the bucket. */
  acquire(signal?: AbortSignal): Promise<LimiterTicket> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<LimiterTicket>((resolve, reject) => {
      const onAbort = () => {
        const index = this.#queue.indexOf(waiter);
        if (index >= 0) this.#queue.splice(index, 1);
        reject(signal?.reason);
        this.#pump();
      };
      const waiter: Waiter = {
        enqueuedAt: this.#clock.now(),
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  /**
   * The portal refused us although our counter said there was room: someone else (another
   * process, a restart mid-burst) filled the bucket. Assume it is full from now on.
   */
  penalize(): void {
    this.#drain();
    this.#level = Math.max(this.#level, this.#config.burst - this.#inFlight);
  }

  stats(): LimiterStats {
    this.#drain();
    return {
      level: this.#level,
      inFlight: this.#inFlight,
      queued: this.#queue.length,
      throttled: this.#throttled,
      waitedMs: this.#waitedMs,
    };
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

  /** ms until one more request fits; Infinity when only an answer in flight can make room. */
  #wait(): number {
    this.#drain();
    const over = this.#level + this.#inFlight + 1 - (this.#config.burst - this.#config.reserve);
    if (over <= 1e-9) return 0;
    if (over > this.#level) return Number.POSITIVE_INFINITY;
    return (over * 1000) / this.#config.drainPerSecond;
  }

  #pump(): void {
    this.#timer?.abort();
    this.#timer = undefined;
    for (let head = this.#queue[0]; head; head = this.#queue[0]) {
      const wait = this.#wait();
      if (wait > 0) {
        if (Number.isFinite(wait)) this.#schedule(wait);
        return;
      }
      this.#queue.shift();
      head.detach();
      this.#inFlight += 1;
      const waited = this.#clock.now() - head.enqueuedAt;
      if (waited > 0) {
        this.#throttled += 1;
        this.#waitedMs += waited;
      }
      head.resolve(this.#ticket(waited));
    }
  }

  #schedule(ms: number): void {
    const timer = new AbortController();
    this.#timer = timer;
    this.#clock.sleep(ms, timer.signal).then(
      () => {
        if (this.#timer === timer) this.#pump();
      },
      () => {},
    );
  }

  #ticket(waitedMs: number): LimiterTicket {
    let released = false;
    return {
      waitedMs,
      release: () => {
        if (released) return;
        released = true;
        this.#drain();
        this.#inFlight -= 1;
        this.#level += 1;
        this.#pump();
      },
    };
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
