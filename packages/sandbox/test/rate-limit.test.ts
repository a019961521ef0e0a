import { describe, expect, it } from 'vitest';
import { call, startPortal } from './helpers.ts';

describe('rate limit (leaky bucket, limits.md)', () => {
  it('answers 503 QUERY_LIMIT_EXCEEDED past the burst and recovers as the bucket drains', async () => {
    // One slot drains per second: the burst below must fit in that second even on a loaded machine (at 20 a
    // second, a slow call let the bucket drain before the refusal this test expects).
    const portal = await startPortal({ dataset: 'empty', rateLimit: { burst: 5, drainPerSecond: 1 } });
    try {
      const hook = portal.webhookUrl(1);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await call(hook, 'user.admin')).status);
      expect(statuses.slice(0, 5).every((s) => s === 200)).toBe(true);
      const refused = await call(hook, 'user.admin');
      expect(refused.status).toBe(503);
      expect(refused.body).toEqual({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
      await new Promise((r) => setTimeout(r, 1_100));
      expect((await call(hook, 'user.admin')).status).toBe(200);
    } finally {
      await portal.close();
    }
  });

  it('counts a batch as one request', async () => {
    const portal = await startPortal({ dataset: 'empty', rateLimit: { burst: 2, drainPerSecond: 0.01 } });
    try {
      const hook = portal.webhookUrl(1);
      const cmd = Array.from({ length: 50 }, () => 'user.admin');
      expect((await call(hook, 'batch', { cmd })).status).toBe(200);
      expect((await call(hook, 'batch', { cmd })).status).toBe(200);
      expect((await call(hook, 'batch', { cmd })).status).toBe(503);
      expect(portal.counters.calls('user.admin')).toBe(100);
    } finally {
      await portal.close();
    }
  });

  it('uses the standard plan by default and can be switched off at run time', async () => {
    const portal = await createDefault();
    try {
      const hook = portal.webhookUrl(1);
      let first503 = -1;
      for (let i = 0; i < 60 && first503 < 0; i++)
        if ((await call(hook, 'user.admin')).status === 503) first503 = i;
      expect(first503).toBeGreaterThanOrEqual(50);
      expect(first503).toBeLessThanOrEqual(55);
      portal.rateLimit.configure(false);
      expect((await call(hook, 'user.admin')).status).toBe(200);
    } finally {
      await portal.close();
    }
  });
});

async function createDefault() {
  const { createSandboxPortal } = await import('../src/index.ts');
  return createSandboxPortal({ dataset: 'empty' });
}

describe('operating limit (limits.md), off by default', () => {
  it('blocks a method with 429 OPERATION_TIME_LIMIT once its simulated time is spent, others go on', async () => {
    const portal = await startPortal({
      dataset: 'empty',
      operatingLimit: {
        limitSeconds: 1,
        windowSeconds: 1,
        basketSeconds: 0.25,
        costSeconds: { 'user.admin': 0.4 },
      },
    });
    try {
      const hook = portal.webhookUrl(1);
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await call(hook, 'user.admin');
        expect(r.status).toBe(200);
        times.push((r.body.time as { operating: number }).operating);
      }
      expect(times[2]).toBeCloseTo(1.2);
      const blocked = await call(hook, 'user.admin');
      expect(blocked.status).toBe(429);
      expect(blocked.body.error).toBe('OPERATION_TIME_LIMIT');
      expect((await call(hook, 'user.current')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1_300));
      expect((await call(hook, 'user.admin')).status).toBe(200);
    } finally {
      await portal.close();
    }
  });
});
