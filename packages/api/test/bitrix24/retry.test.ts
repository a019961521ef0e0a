import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
  toBitrix24Error,
  transportError,
  withRetry,
} from '../../src/bitrix24/index.ts';
import { FakeClock } from './fake-clock.ts';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000, maxElapsedMs: 10_000 };

describe('backoffDelay', () => {
  it('doubles, stays within [step/2, step] and is capped', () => {
    for (const [retry, step] of [
      [1, 100],
      [2, 200],
      [3, 400],
      [4, 800],
      [5, 1000],
      [9, 1000],
    ] as const) {
      expect(backoffDelay(retry, policy, () => 0)).toBe(step / 2);
      expect(backoffDelay(retry, policy, () => 1)).toBe(step);
    }
  });

  it('defaults to a bounded policy', () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBeGreaterThan(1);
    expect(DEFAULT_RETRY_POLICY.maxElapsedMs).toBeLessThanOrEqual(300_000);
  });
});

describe('withRetry', () => {
  const overloaded = () => toBitrix24Error({ code: 'QUERY_LIMIT_EXCEEDED', status: 503, method: 'user.get' });

  it('retries retryable errors until success', async () => {
    const clock = new FakeClock();
    const seen: string[] = [];
    const result = await withRetry(
      async (n) => {
        if (n < 3) throw n === 1 ? overloaded() : transportError('CONNECTION_RESET', 'user.get', 'reset');
        return 'ok';
      },
      { policy, clock, random: () => 0, onRetry: (e, n, delay) => seen.push(`${n}:${e.code}:${delay}`) },
    );
    expect(result).toBe('ok');
    expect(seen).toEqual(['1:QUERY_LIMIT_EXCEEDED:50', '2:CONNECTION_RESET:100']);
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('gives up after maxAttempts and reports the attempts', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const failure = await withRetry(
      async () => {
        calls++;
        throw overloaded();
      },
      { policy, clock },
    ).catch((e: unknown) => e);
    expect(calls).toBe(5);
    expect(failure).toMatchObject({ kind: 'rate_limit', attempts: 5 });
  });

  it('does not retry auth, access or argument errors', async () => {
    for (const code of ['expired_token', 'ACCESS_DENIED', 'ERROR_ARGUMENT', 'NOT_FOUND']) {
      let calls = 0;
      const failure = await withRetry(
        async () => {
          calls++;
          throw toBitrix24Error({ code, status: 400, method: 'user.update' });
        },
        { policy, clock: new FakeClock() },
      ).catch((e: unknown) => e);
      expect(calls).toBe(1);
      expect(failure).toMatchObject({ code, attempts: 1 });
    }
  });

  it('stops when the time budget would be exceeded', async () => {
    const clock = new FakeClock();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          clock.advance(4000);
          throw overloaded();
        },
        { policy: { ...policy, maxAttempts: 100 }, clock },
      ),
    ).rejects.toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED' });
    expect(calls).toBe(3);
  });

  it('lets unexpected errors through untouched', async () => {
    const bug = new TypeError('bug');
    await expect(withRetry(async () => Promise.reject(bug), { policy, clock: new FakeClock() })).rejects.toBe(
      bug,
    );
  });
});
