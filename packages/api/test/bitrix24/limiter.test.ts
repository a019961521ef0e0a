import { describe, expect, it } from 'vitest';
import {
  ENTERPRISE_PLAN,
  LeakyBucketLimiter,
  STANDARD_PLAN,
  sharedLimiter,
} from '../../src/bitrix24/index.ts';
import { FakeClock } from './fake-clock.ts';

/** The portal's bucket as limits.md describes it: +1 per request, drains continuously, refuses above burst. */
function portalBucket(burst: number, drainPerSecond: number) {
  let level = 0;
  let at = 0;
  return (time: number): boolean => {
    level = Math.max(0, level - ((time - at) * drainPerSecond) / 1000);
    at = time;
    if (level + 1 > burst + 1e-9) return false;
    level += 1;
    return true;
  };
}

describe('LeakyBucketLimiter', () => {
  it('lets a full burst through, then spaces requests at the drain rate', () => {
    const clock = new FakeClock();
    const limiter = new LeakyBucketLimiter({ burst: 10, drainPerSecond: 2 }, clock);
    const waits = Array.from({ length: 13 }, () => limiter.reserve());
    expect(waits.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(waits.slice(10)).toEqual([500, 1000, 1500]);
  });

  it('frees slots as the bucket drains', () => {
    const clock = new FakeClock();
    const limiter = new LeakyBucketLimiter({ burst: 4, drainPerSecond: 2 }, clock);
    for (let i = 0; i < 4; i++) limiter.reserve();
    clock.advance(1000);
    expect([limiter.reserve(), limiter.reserve(), limiter.reserve()]).toEqual([0, 0, 500]);
  });

  it('keeps `reserve` slots unused', () => {
    const limiter = new LeakyBucketLimiter({ burst: 5, drainPerSecond: 1, reserve: 2 }, new FakeClock());
    expect(Array.from({ length: 4 }, () => limiter.reserve())).toEqual([0, 0, 0, 1000]);
  });

  it('never sends a request the portal would refuse, however requests arrive', () => {
    for (const [burst, drain] of [
      [50, 2],
      [250, 5],
      [10, 20],
      [3, 0.5],
    ] as const) {
      const clock = new FakeClock();
      const limiter = new LeakyBucketLimiter({ burst, drainPerSecond: drain }, clock);
      const portal = portalBucket(burst, drain);
      let seed = 7;
      const random = () => {
        seed = (seed * 48271) % 2147483647;
        return seed / 2147483647;
      };
      const sendTimes: number[] = [];
      for (let i = 0; i < burst * 4; i++) {
        clock.advance(random() < 0.7 ? 0 : random() * 2000);
        sendTimes.push(clock.now() + limiter.reserve());
      }
      sendTimes.sort((a, b) => a - b);
      expect(sendTimes.filter((t) => !portal(t))).toEqual([]);
    }
  });

  it('assumes a full bucket after the portal refused us', () => {
    const limiter = new LeakyBucketLimiter({ burst: 10, drainPerSecond: 2 }, new FakeClock());
    limiter.reserve();
    limiter.penalize();
    expect(limiter.reserve()).toBe(500);
  });

  it('counts throttled acquisitions and the time waited', async () => {
    const clock = new FakeClock();
    const limiter = new LeakyBucketLimiter({ burst: 2, drainPerSecond: 4 }, clock);
    const waited = [];
    for (let i = 0; i < 4; i++) waited.push(await limiter.acquire());
    expect(waited).toEqual([0, 0, 250, 250]);
    expect(limiter.stats()).toMatchObject({ throttled: 2, waitedMs: 500 });
  });

  it('gives the slot back when a waiting caller aborts', async () => {
    const clock = new FakeClock();
    const limiter = new LeakyBucketLimiter({ burst: 1, drainPerSecond: 1 }, clock);
    await limiter.acquire();
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(limiter.acquire(controller.signal)).rejects.toThrow('cancelled');
    expect(limiter.reserve()).toBe(1000);
  });

  it('rejects impossible configurations', () => {
    expect(() => new LeakyBucketLimiter({ burst: 0, drainPerSecond: 1 })).toThrow(RangeError);
    expect(() => new LeakyBucketLimiter({ burst: 5, drainPerSecond: 0 })).toThrow(RangeError);
    expect(() => new LeakyBucketLimiter({ burst: 5, drainPerSecond: 1, reserve: 5 })).toThrow(RangeError);
  });

  it('has the documented plan numbers', () => {
    expect(STANDARD_PLAN).toMatchObject({ burst: 50, drainPerSecond: 2 });
    expect(ENTERPRISE_PLAN).toMatchObject({ burst: 250, drainPerSecond: 5 });
  });

  it('shares one limiter per portal origin', () => {
    const a = sharedLimiter('https://shared-test.bitrix24.de');
    expect(sharedLimiter('https://shared-test.bitrix24.de', ENTERPRISE_PLAN)).toBe(a);
    expect(sharedLimiter('https://other-test.bitrix24.de')).not.toBe(a);
  });
});
