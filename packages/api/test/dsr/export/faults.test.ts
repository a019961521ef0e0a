import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeakyBucketLimiter } from '../../../src/bitrix24/index.ts';
import { busiestDemoSubject } from './support/expected.ts';
import {
  type ExportFixture,
  type ExportResult,
  runExport,
  startExportFixture,
} from './support/export-fixture.ts';
import { checkPortalCategories } from './support/portal-checks.ts';
import { readCsv, sha256 } from './support/unzip.ts';

let fixture: ExportFixture;
let subject: number;
let clean: ExportResult;
let faulty: ExportResult;

beforeAll(async () => {
  fixture = await startExportFixture({
    // The faults are the test; the portal's own rate limit would only add waiting.
    sandbox: { rateLimit: false },
    client: {
      limiter: new LeakyBucketLimiter({ burst: 50, drainPerSecond: 100 }),
      retry: { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 50 },
    },
  });
  subject = busiestDemoSubject(fixture.portal.state);
  clean = await runExport(fixture, subject);
  // A rate-limit storm first, then 500s and dropped connections scattered over the rest of the export.
  fixture.portal.faults.inject({ kind: 'rate-limit', count: 4 });
  fixture.portal.faults.inject({ kind: 'internal-error', probability: 0.3, count: 4 });
  fixture.portal.faults.inject({ kind: 'drop-connection', probability: 0.3, count: 4 });
  fixture.portal.faults.inject({ kind: 'rate-limit', probability: 0.2, count: 3 });
  faulty = await runExport(fixture, subject);
});
afterAll(() => fixture?.close());

describe('export through transient portal faults', () => {
  it('met every kind of fault and retried through them', () => {
    const retries = { ...fixture.admin.counters().retries.byCode };
    for (const [code, n] of Object.entries(fixture.clientFor(subject).counters().retries.byCode)) {
      retries[code] = (retries[code] ?? 0) + n;
    }
    expect(retries.QUERY_LIMIT_EXCEEDED).toBeGreaterThanOrEqual(4);
    expect(retries.INTERNAL_SERVER_ERROR).toBeGreaterThanOrEqual(1);
    expect(retries.CONNECTION_RESET).toBeGreaterThanOrEqual(1);
  });

  it('completes an archive that still matches the portal, nothing missing or doubled', () => {
    checkPortalCategories(faulty, fixture.portal.state, subject);
    for (const category of faulty.manifest.categories) {
      const bytes = faulty.files.get(category.file)!;
      expect(category.sha256).toBe(sha256(bytes));
      expect(category.rows).toBe(readCsv(bytes).rows.length);
    }
  });

  it('has the same portal files as an export without faults', () => {
    for (const category of clean.manifest.categories.filter((c) => c.source === 'portal')) {
      const again = faulty.manifest.categories.find((c) => c.name === category.name)!;
      expect(again.sha256, category.name).toBe(category.sha256);
    }
    expect(faulty.manifest.notAccessible).toEqual(clean.manifest.notAccessible);
  });
});
