/**
 * The export at growing volume: rows/s, peak RSS, and HTTP requests against the floor ⌈rows/2500⌉
 * (a batch of 50 pages of 50). Each export runs in its own process against a sandbox in another, so
 * the RSS is the export's alone. The sandbox runs without its rate limit here: this measures our
 * pipeline, and the comparison with the SDK (export-sdk.bench.ts) runs with it.
 * The 10k subject is the baseline; BENCH_EXPORT_1M=1 adds a subject with a million rows.
 */
import { runChild } from './support/child.ts';
import type { ExportRun } from './support/export-main.ts';
import { BenchSandbox, type SubjectSpec } from './support/sandbox.ts';
import { printTable, ratio } from './support/table.ts';

/** Mostly chat messages, as for a typical employee; comments and tasks take the other readers along. */
function subject(label: string, rows: number): SubjectSpec {
  return { label, messages: rows * 0.85, comments: rows * 0.1, tasks: rows * 0.05 };
}

export default async function run(): Promise<void> {
  const sizes = [10_000, 100_000, ...(process.env.BENCH_EXPORT_1M === '1' ? [1_000_000] : [])];
  const sandbox = await BenchSandbox.start({ subjects: sizes.map((n) => subject(`${n}`, n)) });
  const results: { size: number; run: ExportRun; portalRequests: number }[] = [];
  try {
    for (const seeded of sandbox.info.subjects) {
      await sandbox.freshStart(false);
      const child = runChild<ExportRun>(new URL('./support/export-main.ts', import.meta.url), [
        JSON.stringify({
          webhooks: sandbox.info.webhooks,
          domain: sandbox.info.domain,
          subjectUserId: seeded.userId,
        }),
      ]);
      const run = await child.first;
      await child.done;
      results.push({ size: Number(seeded.label), run, portalRequests: await sandbox.httpRequests() });
    }
  } finally {
    sandbox.close();
  }
  const base = results[0]!;
  const rows: (string | number)[][] = [
    [
      'subject',
      'rows',
      'seconds',
      'rows/s',
      'vs 10k',
      'RSS at start MB',
      'peak RSS MB',
      'peak − start',
      'Δ peak vs 10k',
      'requests',
      'floor',
      'over floor',
    ],
  ];
  for (const { size, run, portalRequests } of results) {
    const floor = Math.ceil(run.rows / 2500);
    const rate = run.rows / (run.ms / 1000);
    rows.push([
      `${size.toLocaleString('en')} rows`,
      run.rows,
      run.ms / 1000,
      Math.round(rate),
      ratio(rate, base.run.rows / (base.run.ms / 1000)),
      run.baselineMb,
      run.peakMb,
      `${(run.peakMb - run.baselineMb).toFixed(1)} MB`,
      `${(run.peakMb - base.run.peakMb).toFixed(1)} MB`,
      portalRequests,
      floor,
      `${portalRequests >= floor ? '+' : '−'}${Math.abs(portalRequests - floor)}`,
    ]);
  }
  printTable('export: one ZIP of CSVs per subject (85% chat messages, 10% comments, 5% tasks)', rows);
  console.log('RSS at start includes the in-memory PGlite database the export reads our own records from.');
  console.log('targets: peak RSS grows < 100 MB from 10k to 100k rows; requests within floor + 10');
}
