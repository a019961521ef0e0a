/**
 * PAGE_BACKGROUND_WORKER frames of N users (default 1,000) against the API in application mode: each
 * frame is posted by the sandbox as the portal's page would (a fresh token per frame, app.layout), and
 * the time to the answer is compared with the platform's 5 s budget (background-worker.md) and with a
 * static 200 (`/healthz`) measured in the same run at the same concurrency. Also how many tokens the
 * run stored through `profile` calls within APP_BACKGROUND_VERIFY_PER_MINUTE. Figures only.
 *
 * `pnpm bench app-frames`; BENCH_APP_USERS=1000, BENCH_APP_CONCURRENCY=50.
 */

import { startAppApi } from '../packages/api/test/app/app-api.ts';
import { SeedHelpers } from '../packages/sandbox/src/index.ts';
import { printTable, ratio } from './support/table.ts';

const USERS = Number(process.env.BENCH_APP_USERS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_APP_CONCURRENCY ?? 50);
const BUDGET_MS = 5_000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Runs `work(i)` for i < n with at most `limit` at once; returns each one's duration in ms. */
async function timed(
  n: number,
  limit: number,
  work: (i: number) => Promise<number | undefined>,
): Promise<number[]> {
  const out: number[] = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const started = performance.now();
      const reported = await work(i);
      out[i] = typeof reported === 'number' ? reported : performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

export default async function main(): Promise<void> {
  const app = await startAppApi();
  try {
    await app.install();
    const users = new SeedHelpers(app.api.portal.state).users(USERS).map((u) => u.ID);
    const appId = app.registered().id;

    // The baseline first, then the frames, then the baseline again: the run's drift shows.
    const staticBefore = await timed(USERS, CONCURRENCY, async () => {
      await (await fetch(`${app.base}/healthz`)).arrayBuffer();
      return undefined;
    });
    const statuses = new Map<number, number>();
    const frames = await timed(USERS, CONCURRENCY, async (i) => {
      const result = await app.api.portal.apps.openFrame(appId, {
        userId: users[i]!,
        placement: 'PAGE_BACKGROUND_WORKER',
      });
      statuses.set(result.status ?? 0, (statuses.get(result.status ?? 0) ?? 0) + 1);
      return result.durationMs;
    });
    const staticAfter = await timed(USERS, CONCURRENCY, async () => {
      await (await fetch(`${app.base}/healthz`)).arrayBuffer();
      return undefined;
    });
    await app.app.background?.settled();
    const stored = (await app.api.services.portal.usersWithCredentials()).length - 1;
    const baseline = [...staticBefore, ...staticAfter];

    printTable(`${USERS} users' background frames, ${CONCURRENCY} at once`, [
      ['case', 'p50 ms', 'p95 ms', 'max ms', 'p95 vs static', 'p95 vs 5 s budget'],
      [
        'static 200 (/healthz)',
        percentile(baseline, 50),
        percentile(baseline, 95),
        Math.max(...baseline),
        '×1.00',
        ratio(percentile(baseline, 95), BUDGET_MS),
      ],
      [
        'background frame',
        percentile(frames, 50),
        percentile(frames, 95),
        Math.max(...frames),
        ratio(percentile(frames, 95), percentile(baseline, 95)),
        ratio(percentile(frames, 95), BUDGET_MS),
      ],
    ]);
    console.log(
      `answers: ${[...statuses].map(([s, n]) => `${n}× HTTP ${s}`).join(', ')}; tokens stored this minute: ${stored} (budget ${app.api.services.config.APP_BACKGROUND_VERIFY_PER_MINUTE}/min of profile calls)`,
    );
  } finally {
    await app.close();
  }
}
