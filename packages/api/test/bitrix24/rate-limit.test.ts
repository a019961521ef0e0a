import { describe, expect, it } from 'vitest';
import { LeakyBucketLimiter, lists, readKeyset, rows } from '../../src/bitrix24/index.ts';
import { clientFor, startPortal } from './sandbox.ts';

// The documented 50 + 2/s scaled down so a test that drains the bucket three times stays short.
const PLAN = { burst: 10, drainPerSecond: 20 };

describe('client-side rate limit against the portal’s leaky bucket', () => {
  it('sends a burst of 3× the bucket without a single QUERY_LIMIT_EXCEEDED', async () => {
    const portal = await startPortal({ rateLimit: PLAN });
    const client = clientFor(portal, 1, { limiter: new LeakyBucketLimiter({ ...PLAN, reserve: 0 }) });
    const answers = await Promise.all(Array.from({ length: 30 }, () => client.call('user.current')));
    expect(answers.every((me) => me.ID === '1')).toBe(true);
    expect(portal.counters.snapshot().httpByStatus).toEqual({ 200: 30 });
    expect(client.counters().retries.total).toBe(0);
    expect(client.counters().throttle.waits).toBeGreaterThanOrEqual(20);
  });

  it('shares one bucket between clients of the same process', async () => {
    const portal = await startPortal({ rateLimit: PLAN });
    const limiter = new LeakyBucketLimiter({ ...PLAN, reserve: 0 });
    const a = clientFor(portal, 1, { limiter });
    const b = clientFor(portal, 1, { limiter });
    await Promise.all(Array.from({ length: 15 }, (_, i) => (i % 2 ? a : b).call('user.admin')));
    expect(portal.counters.snapshot().httpByStatus).toEqual({ 200: 15 });
  });

  it('keeps a paged read under the limit', async () => {
    const portal = await startPortal({ rateLimit: PLAN });
    portal.seed.users(1249);
    const client = clientFor(portal, 1, { limiter: new LeakyBucketLimiter({ ...PLAN, reserve: 0 }) });
    let count = 0;
    for await (const _user of rows(readKeyset(client, lists.users()))) count++;
    expect(count).toBe(1250);
    expect(portal.counters.snapshot().httpByStatus).toEqual({ 200: 26 });
  });

  it('is what prevents the refusals: without it the same burst is refused', async () => {
    const portal = await startPortal({ rateLimit: PLAN });
    const client = clientFor(portal, 1, { retry: { maxAttempts: 1 } });
    const settled = await Promise.allSettled(Array.from({ length: 30 }, () => client.call('user.current')));
    expect(settled.filter((s) => s.status === 'rejected').length).toBeGreaterThan(0);
    expect(portal.counters.snapshot().httpByStatus[503]).toBeGreaterThan(0);
  });

  it('backs off after the portal refuses a bucket someone else filled', async () => {
    const portal = await startPortal({ rateLimit: PLAN });
    // Another process on this host has just used the whole bucket.
    const other = clientFor(portal, 1, { retry: { maxAttempts: 1 } });
    await Promise.all(Array.from({ length: PLAN.burst }, () => other.call('user.admin')));
    const client = clientFor(portal, 1, { limiter: new LeakyBucketLimiter({ ...PLAN, reserve: 0 }) });
    const answers = await Promise.all(Array.from({ length: 10 }, () => client.call('user.current')));
    expect(answers).toHaveLength(10);
    // One refusal at most per request already in flight; the penalty then paces the rest.
    expect(client.counters().retries.byCode.QUERY_LIMIT_EXCEEDED ?? 0).toBeLessThanOrEqual(10);
    expect(client.counters().errors.total).toBe(0);
  });
});
