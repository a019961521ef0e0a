import { describe, expect, it } from 'vitest';
import {
  ENTERPRISE_PLAN,
  LeakyBucketLimiter,
  type LimiterTicket,
  STANDARD_PLAN,
  sharedLimiter,
} from '../../src/bitrix24/index.ts';
import { ManualClock } from './fake-clock.ts';

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

/** Starts `count` acquisitions at `startAt`, each released `holdMs` after it is granted. */
function requests(clock: ManualClock, limiter: LeakyBucketLimiter, count: number, holdMs = 0, startAt = 0) {
  const granted: number[] = [];
  for (let i = 0; i < count; i++) {
    clock.at(startAt, () => {
      void limiter.acquire().then((ticket) => {
        granted.push(clock.now());
        clock.at(clock.now() + holdMs, () => ticket.release());
      });
    });
  }
  return granted;
}

describe('LeakyBucketLimiter', () => {
  it('lets a full burst through, then spaces requests at the drain rate', async () => {
    const clock = new ManualClock();
    const limiter = new LeakyBucketLimiter({ burst: 10, drainPerSecond: 2 }, clock);
    const granted = requests(clock, limiter, 13);
    await clock.run();
    expect(granted).toEqual([...Array(10).fill(0), 500, 1000, 1500]);
  });

  it('keeps `reserve` slots unused', async () => {
    const clock = new ManualClock();
    const limiter = new LeakyBucketLimiter({ burst: 5, drainPerSecond: 1, reserve: 2 }, clock);
    const granted = requests(clock, limiter, 4);
    await clock.run();
    expect(granted).toEqual([0, 0, 0, 1000]);
  });

  it('counts a request as arrived only when its answer is back', async () => {
    const clock = new ManualClock();
    const limiter = new LeakyBucketLimiter({ burst: 2, drainPerSecond: 10 }, clock);
    // Both slots are held by slow requests for 3 s; the third may go 100 ms after the first answer.
    const granted = requests(clock, limiter, 3, 3000);
    await clock.run();
    expect(granted).toEqual([0, 0, 3100]);
  });

  it('never sends a request the portal would refuse, whatever the latency', async () => {
    for (const [burst, drain] of [
      [50, 2],
      [250, 5],
      [10, 20],
      [3, 0.5],
    ] as const) {
      const clock = new ManualClock();
      const limiter = new LeakyBucketLimiter({ burst, drainPerSecond: drain }, clock);
      let seed = 7;
      const random = () => {
        seed = (seed * 48271) % 2147483647;
        return seed / 2147483647;
      };
      const arrivals: number[] = [];
      let startAt = 0;
      for (let i = 0; i < burst * 4; i++) {
        startAt += random() < 0.7 ? 0 : random() * 1500;
        clock.at(startAt, () => {
          void limiter.acquire().then((ticket: LimiterTicket) => {
            // Anywhere between sending and the answer: the portal sees it then.
            const latency = random() * 400;
            arrivals.push(clock.now() + random() * latency);
            clock.at(clock.now() + latency, () => ticket.release());
          });
        });
      }
      await clock.run();
      const portal = portalBucket(burst, drain);
      expect(arrivals).toHaveLength(burst * 4);
      expect(arrivals.sort((a, b) => a - b).filter((t) => !portal(t))).toEqual([]);
    }
  });

  it('assumes a full bucket after the portal refused us', async () => {
    const clock = new ManualClock();
    const limiter = new LeakyBucketLimiter({ burst: 10, drainPerSecond: 2 }, clock);
    (await limiter.acquire()).release();
    limiter.penalize();
    const granted = requests(clock, limiter, 1);
    await clock.run();
    expect(granted).toEqual([500]);
  });

  it('counts throttled acquisitions and the time waited', async () => {
    const clock = new ManualClock();
    const limiter = new LeakyBucketLimiter({ burst: 2, drainPerSecond: 4 }, clock);
    requests(clock, limiter, 4);
    await clock.run();
    expect(limiter.stats()).toMatchObject({ throttled: 2, waitedMs: 750, inFlight: 0, queued: 0 });
  });

  it('lets the queue move on when a waiting caller aborts', async () => {
    const clock = new ManualClock();
    const limiter = new LeakyBucketLimiter({ burst: 1, drainPerSecond: 1 }, clock);
    (await limiter.acquire()).release();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const granted = requests(clock, limiter, 1);
    controller.abort(new Error('cancelled'));
    await expect(aborted).rejects.toThrow('cancelled');
    await clock.run();
    expect(granted).toEqual([1000]);
  });

  it('ignores a second release of the same ticket', async () => {
    const limiter = new LeakyBucketLimiter({ burst: 5, drainPerSecond: 1 }, new ManualClock());
    const ticket = await limiter.acquire();
    ticket.release();
    ticket.release();
    expect(limiter.stats()).toMatchObject({ level: 1, inFlight: 0 });
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
