import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDigestFile, type WeeklyDigest } from '../../src/modules/reports/digest.ts';
import { formatIsoWeek, isoWeekOfDate, weekBefore } from '../../src/modules/reports/iso-week.ts';
import { ReportPublishedError } from '../../src/modules/reports/report-published.ts';
import { WeeklyReport } from '../../src/modules/reports/weekly-report.entity.ts';
import { eventually, startTestApi, type TestApi } from '../support/api.ts';
import { runCli } from '../support/cli-process.ts';
import { readZip } from '../support/zip.ts';
import { startSmtp } from './support.ts';

const SET_RECIPIENTS = `mutation ($input: WeeklyReportSettingsInput!) {
  updateWeeklyReportSettings(input: $input) { __typename }
}`;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('weekly reports: the chain of digests is never broken', { timeout: 240_000 }, () => {
  let api: TestApi;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let env: Record<string, string>;
  const thisWeek = isoWeekOfDate(new Date());
  const w3 = formatIsoWeek(weekBefore(thisWeek));
  const w2 = formatIsoWeek(weekBefore(weekBefore(thisWeek)));
  const w1 = formatIsoWeek(weekBefore(weekBefore(weekBefore(thisWeek))));
  const w0 = formatIsoWeek(weekBefore(weekBefore(weekBefore(weekBefore(thisWeek)))));
  const em = () => api.services.orm.em.fork();
  const stored = async () => em().find(WeeklyReport, {}, { orderBy: { week: 'asc' } });
  /** A file whose mailing failed for good: never published, so it may still be made anew. */
  const neverMailed = (week: string) =>
    em()
      .getConnection()
      .execute(`update weekly_report set mail_status = 'FAILED', mailed_at = null where week = ?`, [week]);

  beforeAll(async () => {
    smtp = await startSmtp();
    api = await startTestApi({ env: { SMTP_URL: smtp.url, REPORT_FROM: 'audit@b24.test' } });
    const admin = await api.tokenFor(1);
    const set = await api.gql(
      SET_RECIPIENTS,
      { input: { recipients: ['dpo@example.com'] } },
      { token: admin },
    );
    expect(set.data?.updateWeeklyReportSettings.__typename).toBe('WeeklyReportSettings');
    env = {
      DATABASE_URL: api.databaseUrl,
      DATA_DIR: api.services.config.DATA_DIR,
      SMTP_URL: smtp.url,
      REPORT_FROM: 'audit@b24.test',
    };
    for (const week of [w1, w2, w3]) {
      const outcome = await api.services.reports.generate(em(), week);
      expect(outcome).toMatchObject({ created: true, mailed: true });
    }
  });
  afterAll(async () => {
    await api?.close();
    await smtp?.close();
  });

  it('a second run returns the stored file as it is', async () => {
    const before = (await stored()).find((r) => r.week === w2)!;
    const again = await api.services.reports.generate(em(), w2);
    expect(again).toMatchObject({ created: false, remailed: false, mailed: true });
    expect(again.report).toMatchObject({ id: before.id, digestHash: before.digestHash });
  });

  it('report weekly --force on a mailed week is refused, linked or newest; nothing is made or signed', async () => {
    const before = await stored();
    const filesBefore = await readdir(api.services.reports.dir);
    const mailsBefore = smtp.mails.length;
    for (const [week, why] of [
      [w2, `the digests of later weeks (${w3}) link to it`],
      [w3, null],
    ] as const) {
      const mailedAt = before.find((r) => r.week === week)!.mailedAt!.toISOString();
      const run = await runCli(['report', 'weekly', '--week', week, '--force'], env);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim()).toBe(
        `error: ${week} is published (was mailed on ${mailedAt}${why ? ` and ${why}` : ''}): its signed file is ` +
          `not made or signed again. \`b24-gdpr report resend --week ${week}\` mails the stored file again, unchanged.`,
      );
    }
    await expect(api.services.reports.generate(em(), w3, { force: true })).rejects.toBeInstanceOf(
      ReportPublishedError,
    );
    expect(await readdir(api.services.reports.dir)).toEqual(filesBefore);
    expect(await stored()).toEqual(before);
    expect(smtp.mails).toHaveLength(mailsBefore);
  });

  it('report resend mails the stored file again: the attachment’s SHA-256 is the stored file’s', async () => {
    const before = (await stored()).find((r) => r.week === w2)!;
    const fileBefore = await readFile(api.services.reports.pathOf(before));
    expect(sha256(fileBefore)).toBe(before.sha256);
    const mailsBefore = smtp.mails.length;

    const run = await runCli(['report', 'resend', '--week', w2], env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      id: before.id,
      week: w2,
      sha256: before.sha256,
      digestHash: before.digestHash,
      mailed: true,
      mailStatus: 'SENT',
      mailAttempts: 1,
      mailError: null,
    });
    expect(run.stderr).toContain(
      `${w2}: the stored file was mailed again, unchanged (SHA-256 ${before.sha256}).`,
    );

    // What the recipient gets is the very file that was stored (and mailed) before.
    const mail = await eventually(() => smtp.mails[mailsBefore], 'the re-sent mail');
    const parsed = await simpleParser(mail.raw);
    expect(parsed.subject).toContain(w2);
    const attachment = parsed.attachments.find((a) => a.filename === `audit-week-${w2}.zip`)!;
    expect(sha256(attachment.content)).toBe(before.sha256);
    const after = (await stored()).find((r) => r.week === w2)!;
    expect(after).toMatchObject({
      fileName: before.fileName,
      sha256: before.sha256,
      digestHash: before.digestHash,
    });
    expect((await readFile(api.services.reports.pathOf(after))).equals(fileBefore)).toBe(true);
  });

  it('report weekly --force on the newest week makes it anew while it was never mailed', async () => {
    await neverMailed(w3);
    const reports = await stored();
    const before = reports.find((r) => r.week === w3)!;
    const run = await runCli(['report', 'weekly', '--week', w3, '--force'], env);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({
      id: before.id,
      created: true,
      remailed: false,
      laterWeeks: [],
      previousDigestHash: reports.find((r) => r.week === w2)!.digestHash,
      mailStatus: 'SENT',
    });
    expect(out.digestHash).not.toBe(before.digestHash);
    expect(run.stderr).toBe('');
  });

  it('refuses to make a missing week before stored ones, naming them, and stores nothing', async () => {
    const filesBefore = await readdir(api.services.reports.dir);
    const run = await runCli(['report', 'weekly', '--week', w0], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(
      `error: ${w0} has no stored file and cannot be made: later weeks are stored (${w1}, ${w2}, ${w3}) ` +
        `and the digest of ${w1} already links to the file before ${w0}, so a file made now would stand outside the chain of digests.`,
    );
    expect((await stored()).map((r) => r.week)).toEqual([w1, w2, w3]);
    expect(await readdir(api.services.reports.dir)).toEqual(filesBefore);
  });

  it('two processes at once (the newest week forced, the next one made) cannot fork the chain', async () => {
    await neverMailed(w3);
    const next = formatIsoWeek(thisWeek);
    const results = await Promise.allSettled([
      api.services.reports.generate(em(), w3, { force: true }),
      api.services.reports.generate(em(), next),
    ]);
    // Whichever stored second saw the other under the lock: it either linked to the new file or refused.
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    for (const r of results)
      if (r.status === 'rejected')
        expect(String(r.reason)).toMatch(
          new RegExp(
            `${w3} cannot be made anew: the digest of ${next} now links to its file|` +
              `${w3} is published \\(the digests of later weeks \\(${next}\\) link to it\\)|` +
              `${next}: the file before it changed while this one was made; run it again`,
          ),
        );
    const weeks = (await stored()).map((r) => r.week);
    expect(weeks.slice(0, 3)).toEqual([w1, w2, w3]);
  });

  it('every stored digest links to its predecessor’s digest and verifies with the served public key', async () => {
    const pem = await (await api.fetch('/audit/public-key')).text();
    const pemFile = path.join(api.services.config.DATA_DIR, 'public.pem');
    await writeFile(pemFile, pem);
    const reports = await stored();
    expect(reports.map((r) => r.week).slice(0, 3)).toEqual([w1, w2, w3]);
    let previous: string | null = null;
    for (const report of reports) {
      const file = api.services.reports.pathOf(report);
      const zip = await readZip(await readFile(file));
      const digestBytes = zip.get('digest.json')!;
      const digest = JSON.parse(digestBytes.toString('utf8')) as WeeklyDigest;
      expect(sha256(digestBytes)).toBe(report.digestHash);
      expect(digest.previousDigestHash).toBe(previous);
      expect(report.previousDigestHash).toBe(previous);
      expect(verifyDigestFile(await readFile(file), pem)).toMatchObject({ ok: true, problems: [] });
      previous = report.digestHash;
    }
    // And as a recipient would check the re-sent file (the CLI is slow to start here: once is enough).
    const check = await runCli(
      ['audit', 'verify-digest', api.services.reports.pathOf(reports[1]!), '--public-key', pemFile],
      env,
    );
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain(`OK: ${w2}, `);
    expect(check.stdout).toContain(`given key); digest SHA-256 ${reports[1]!.digestHash}`);
  });
});
