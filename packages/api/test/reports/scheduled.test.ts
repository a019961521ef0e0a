import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS } from '../../src/jobs/job-names.ts';
import type { WeeklyDigest } from '../../src/modules/reports/digest.ts';
import { formatIsoWeek, previousIsoWeek, weekPeriod } from '../../src/modules/reports/iso-week.ts';
import { ReportsService } from '../../src/modules/reports/reports.service.ts';
import { WeeklyReport } from '../../src/modules/reports/weekly-report.entity.ts';
import { eventually, startTestApi, type TestApi } from '../support/api.ts';
import { readZip } from '../support/zip.ts';

describe('the scheduled job and a file made before its week ended', { timeout: 120_000 }, () => {
  let api: TestApi;
  const past = previousIsoWeek(new Date());
  const week = formatIsoWeek(past);
  const digestOf = async (report: WeeklyReport) => {
    const zip = await readZip(await readFile(api.services.reports.pathOf(report)));
    return JSON.parse(zip.get('digest.json')!.toString('utf8')) as WeeklyDigest;
  };
  const stored = () => api.services.orm.em.fork().findOneOrFail(WeeklyReport, { week });

  beforeAll(async () => {
    api = await startTestApi(); // no SMTP_URL
  });
  afterAll(() => api?.close());

  it('makes the newest week complete once its week is over; a further run keeps it', async () => {
    // Someone ran `report weekly` for that week while it was still going on (a day after it began).
    const midWeek = new Date(weekPeriod(past).start.getTime() + 24 * 3600_000);
    const early = new ReportsService({
      dataDir: api.services.config.DATA_DIR,
      smtpUrl: undefined,
      from: 'audit@b24.test',
      settings: api.services.settings,
      signing: api.services.signing,
      logger: api.services.logger,
      now: () => midWeek,
    });
    const first = (await early.generate(api.services.orm.em.fork(), week)).report;
    expect((await digestOf(first)).generatedAt).toBe(midWeek.toISOString());

    await api.services.boss.send(JOBS.weeklyReport, {});
    const complete = await eventually(
      async () => {
        const r = await stored();
        return r.fileName !== first.fileName ? r : undefined;
      },
      'the file made anew',
      200,
    );
    expect(complete).toMatchObject({ id: first.id, previousDigestHash: null });
    expect(Date.parse((await digestOf(complete)).generatedAt)).toBeGreaterThanOrEqual(
      complete.periodEnd.getTime(),
    );

    // Complete now: the next run returns it as it is.
    await api.services.boss.send(JOBS.weeklyReport, {});
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await stored()).fileName).toBe(complete.fileName);
  });
});
