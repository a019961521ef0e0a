import { Writable } from 'node:stream';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BossReportMailQueue } from '../../src/jobs/report-mail-queue.ts';
import { sql } from '../../src/modules/audit/audit-sql.ts';
import { formatIsoWeek, isoWeekOfDate, weekBefore } from '../../src/modules/reports/iso-week.ts';
import { ReportsService } from '../../src/modules/reports/reports.service.ts';
import { eventually, startTestApi, type TestApi } from '../support/api.ts';
import { runCli } from '../support/cli-process.ts';
import { type ReceivedMail, startSmtp } from './support.ts';

const SETTINGS = `mutation ($input: WeeklyReportSettingsInput!) {
  updateWeeklyReportSettings(input: $input) {
    __typename
    ... on WeeklyReportSettings { mailAttempts mailRetrySeconds }
  }
}`;
const LIST = `{ weeklyReports(first: 10) {
  ... on QueryWeeklyReportsConnection { edges { node { week mailStatus mailAttempts mailedAt mailError } } }
} }`;

const USER = 'audit-mailer';
const PASSWORD = 'S3cret-Pa55word';

describe('weekly reports: a failed mailing is retried by itself', { timeout: 240_000 }, () => {
  let api: TestApi;
  let admin: string;
  let port: number;
  let smtp: Awaited<ReturnType<typeof startSmtp>> | null = null;
  let acceptLogin = true;
  const thisWeek = isoWeekOfDate(new Date());
  const refusedThenAccepted = formatIsoWeek(weekBefore(weekBefore(thisWeek)));
  const neverAccepted = formatIsoWeek(weekBefore(thisWeek));

  const subjectsOf = async (mails: ReceivedMail[]) =>
    Promise.all(mails.map(async (m) => (await simpleParser(m.raw)).subject ?? ''));
  const node = async (week: string) => {
    const list = await api.gql(LIST, {}, { token: admin });
    expect(list.errors).toBeUndefined();
    return list.data?.weeklyReports.edges
      .map((e: { node: { week: string } }) => e.node)
      .find((n: { week: string }) => n.week === week);
  };
  const setMailPolicy = async (mailAttempts: number, mailRetrySeconds: number) => {
    const set = await api.gql(
      SETTINGS,
      { input: { recipients: ['dpo@example.com'], mailAttempts, mailRetrySeconds } },
      { token: admin },
    );
    expect(set.data?.updateWeeklyReportSettings).toEqual({
      __typename: 'WeeklyReportSettings',
      mailAttempts,
      mailRetrySeconds,
    });
  };

  beforeAll(async () => {
    // A free port with nothing listening on it yet: the SMTP server is "down".
    const probe = await startSmtp();
    port = probe.port;
    await probe.close();
    api = await startTestApi({
      env: { SMTP_URL: `smtp://${USER}:${PASSWORD}@127.0.0.1:${port}`, REPORT_FROM: 'audit@b24.test' },
    });
    admin = await api.tokenFor(1);
  });
  afterAll(async () => {
    await api?.close();
    await smtp?.close();
  });

  it('SMTP down, then up: the job mails the stored file once, without --force; sent after 2 attempts', async () => {
    await setMailPolicy(3, 2);
    const outcome = await api.services.reports.generate(api.services.orm.em.fork(), refusedThenAccepted);
    expect(outcome).toMatchObject({ created: true, mailed: false });
    expect(outcome.report).toMatchObject({ mailStatus: 'PENDING', mailAttempts: 1, mailedAt: null });
    expect(outcome.mailError).toMatch(/^SMTP: .*ECONNREFUSED/);

    smtp = await startSmtp({ port, auth: { user: USER, pass: PASSWORD, accept: () => acceptLogin } });
    const mail = await eventually(() => smtp!.mails[0], 'the retried mail', 600); // ≤ 30 s
    expect((await simpleParser(mail.raw)).subject).toContain(refusedThenAccepted);
    const sent = await eventually(
      async () =>
        (await node(refusedThenAccepted))?.mailStatus === 'SENT' ? node(refusedThenAccepted) : undefined,
      'the SENT state',
    );
    expect(sent).toMatchObject({ mailStatus: 'SENT', mailAttempts: 2, mailError: null });
    expect(Date.parse(sent.mailedAt)).not.toBeNaN();
    // Once: no further attempt mails it again.
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await subjectsOf(smtp.mails)).filter((s) => s.includes(refusedThenAccepted))).toHaveLength(1);
  });

  it('gives up after the configured attempts: FAILED with the server’s error, no password anywhere', async () => {
    acceptLogin = false;
    await setMailPolicy(3, 1);
    // The first attempt through a service whose log lines this test reads; retries run in the API's worker.
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const reports = new ReportsService({
      dataDir: api.services.config.DATA_DIR,
      smtpUrl: api.services.config.SMTP_URL,
      from: 'audit@b24.test',
      settings: api.services.settings,
      signing: api.services.signing,
      logger,
      mailQueue: new BossReportMailQueue(api.services.boss),
    });
    const outcome = await reports.generate(api.services.orm.em.fork(), neverAccepted);
    expect(outcome.report).toMatchObject({ mailStatus: 'PENDING', mailAttempts: 1 });
    expect(outcome.mailError).toMatch(/^SMTP: Invalid login: 535 /);

    const failed = await eventually(
      async () => ((await node(neverAccepted))?.mailStatus === 'FAILED' ? node(neverAccepted) : undefined),
      'the FAILED state',
      600,
    );
    expect(failed).toMatchObject({ mailStatus: 'FAILED', mailAttempts: 3, mailedAt: null });
    expect(failed.mailError).toMatch(/^SMTP: Invalid login: 535 Authentication refused/);
    expect((await subjectsOf(smtp!.mails)).some((s) => s.includes(neverAccepted))).toBe(false);

    // The password is in none of: the stored error, the log, the job records.
    expect(lines.join('')).toContain('weekly report not mailed yet');
    const jobs = await sql<{ text: string }>(
      api.services.orm.em.fork(),
      "select coalesce(data::text, '') || coalesce(output::text, '') as text from pgboss.job where name = 'reports.mail'",
    );
    expect(jobs.length).toBeGreaterThan(0);
    for (const text of [failed.mailError, lines.join(''), ...jobs.map((j) => j.text)])
      expect(text).not.toContain(PASSWORD);

    // The operator's listing says the same.
    const list = await runCli(['report', 'list'], {
      DATABASE_URL: api.databaseUrl,
      DATA_DIR: api.services.config.DATA_DIR,
    });
    expect(list.code, list.stderr).toBe(0);
    const rows = list.stdout.trim().split('\n');
    expect(rows[0]).toMatch(
      new RegExp(
        `^${neverAccepted}\\t0 events\\t.*\\tmail failed \\(3 attempts\\)\\tSMTP: Invalid login: 535`,
      ),
    );
    expect(rows[1]).toMatch(
      new RegExp(`^${refusedThenAccepted}\\t.*\\tmail sent \\(2 attempts\\)\\tmailed `),
    );
    expect(list.stdout).not.toContain(PASSWORD);
  });
});
