import type { Clock } from './clock.ts';
import { Bitrix24Error } from './errors.ts';

export interface RetryPolicy {
  /** HTTP attempts in total, the first one included. */
  maxAttempts: number;
  /** First backoff step; doubles on every further retry. */
  baseDelayMs: number;
  /** Cap for one backoff step. */
  maxDelayMs: number;
  /** No retry is started once waiting would pass this much time since the first attempt. */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxElapsedMs: 180_000,
};

/**
 * "Equal jitter": half of the exponential step is fixed, half random. The fixed half keeps a
 * storm of clients from coming straight back; the random half spreads them out.
 * `retry` is 1 for the first retry.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return step / 2 + random() * (step / 2);
}

export interface RetryOptions {
  policy: RetryPolicy;
  clock: Clock;
  signal?: AbortSignal | undefined;
  random?: () => number;
  onRetry?: (error: Bitrix24Error, attempt: number, delayMs: number) => void;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the policy's attempts
 * or time budget run out. Errors that are not `Bitrix24Error` (bugs, aborts) pass straight through.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, clock } = options;
  const startedAt = clock.now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof Bitrix24Error)) throw error;
      error.attempts = n;
      if (!error.retryable || n >= policy.maxAttempts) throw error;
      const delay = backoffDelay(n, policy, options.random);
      if (clock.now() - startedAt + delay > policy.maxElapsedMs) throw error;
      options.onRetry?.(error, n, delay);
      await clock.sleep(delay, options.signal);
    }
  }
}
