/**
 * What a benchmark or an operator wants to know about traffic to one portal: how many HTTP
 * requests (by the method in the URL, so `batch` is one), how many method calls rode inside
 * batches, how often we retried and how often the limiter made us wait.
 */
export interface CountersSnapshot {
  /** HTTP requests sent, attempts included, by the method in the URL (`batch` for batches). */
  http: { total: number; byMethod: Record<string, number> };
  /** Commands sent inside batch requests, by method. */
  batched: { total: number; byMethod: Record<string, number> };
  /** Repeated attempts, by the error code that caused them. */
  retries: { total: number; byCode: Record<string, number> };
  /** Requests the client-side limiter delayed, and for how long in total. */
  throttle: { waits: number; waitedMs: number };
  /** Errors handed to callers (after retries), by code; batch command errors included. */
  errors: { total: number; byCode: Record<string, number> };
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function sum(map: Map<string, number>): number {
  let total = 0;
  for (const value of map.values()) total += value;
  return total;
}

export class Counters {
  readonly #http = new Map<string, number>();
  readonly #batched = new Map<string, number>();
  readonly #retries = new Map<string, number>();
  readonly #errors = new Map<string, number>();
  #throttleWaits = 0;
  #throttleMs = 0;

  http(method: string): void {
    bump(this.#http, method);
  }

  batched(method: string): void {
    bump(this.#batched, method);
  }

  retry(code: string): void {
    bump(this.#retries, code);
  }

  throttled(ms: number): void {
    this.#throttleWaits += 1;
    this.#throttleMs += ms;
  }

  error(code: string): void {
    bump(this.#errors, code);
  }

  snapshot(): CountersSnapshot {
    return {
      http: { total: sum(this.#http), byMethod: Object.fromEntries(this.#http) },
      batched: { total: sum(this.#batched), byMethod: Object.fromEntries(this.#batched) },
      retries: { total: sum(this.#retries), byCode: Object.fromEntries(this.#retries) },
      throttle: { waits: this.#throttleWaits, waitedMs: Math.round(this.#throttleMs) },
      errors: { total: sum(this.#errors), byCode: Object.fromEntries(this.#errors) },
    };
  }

  reset(): void {
    this.#http.clear();
    this.#batched.clear();
    this.#retries.clear();
    this.#errors.clear();
    this.#throttleWaits = 0;
    this.#throttleMs = 0;
  }
}
