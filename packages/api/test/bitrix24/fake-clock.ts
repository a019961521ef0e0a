import type { Clock } from '../../src/bitrix24/index.ts';

/** A clock whose sleeps return at once and move time forward by what was asked (sequential code). */
export class FakeClock implements Clock {
  time = 0;
  readonly sleeps: number[] = [];

  now(): number {
    return this.time;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.time += ms;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}

interface Timer {
  at: number;
  seq: number;
  fire(): void;
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A clock with real timers that only move when `run()` says so (concurrent code). */
export class ManualClock implements Clock {
  time = 0;
  #timers: Timer[] = [];
  #seq = 0;

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.#seq++, fire: resolve };
      this.#timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.#timers = this.#timers.filter((t) => t !== timer);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Calls `fn` at `at` on this clock. */
  at(at: number, fn: () => void): void {
    void this.sleep(at - this.time).then(fn);
  }

  /** Fires timers in time order until none are left. */
  async run(): Promise<void> {
    for (;;) {
      await settle();
      const next = this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq).shift();
      if (!next) return;
      this.time = Math.max(this.time, next.at);
      next.fire();
    }
  }
}
