import { createPublicKey, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_CSV_COLUMNS, auditCsvRow } from '../../src/modules/audit/audit-csv.ts';
import { EVENT_COLUMNS, type EventRow, sql, toRecord } from '../../src/modules/audit/audit-sql.ts';
import { canonicalJson } from '../../src/modules/audit/canonical-json.ts';
import { sessionRefOf } from '../../src/modules/impersonation/session-keys.ts';
import { verifyDigestFile, type WeeklyDigest } from '../../src/modules/reports/digest.ts';
import { formatIsoWeek, isoWeekOfDate, weekPeriod } from '../../src/modules/reports/iso-week.ts';
import { eventually, startTestApi, type TestApi } from '../support/api.ts';
import { readZip } from '../support/zip.ts';
import { startSmtp } from './support.ts';

const SET_RECIPIENTS = `mutation ($input: WeeklyReportSettingsInput!) {
  updateWeeklyReportSettings(input: $input) {
    ... on WeeklyReportSettings { recipients dayOfWeek time timeZone }
    ... on InvalidInputError { field message }
  }
}`;

describe('weekly report: mailed and signed', { timeout: 120_000 }, () => {
  let api: TestApi;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let admin: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    api = await startTestApi({ env: { SMTP_URL: smtp.url, REPORT_FROM: 'audit@b24.test' } });
    admin = await api.tokenFor(1);
  });
  afterAll(async () => {
    await api?.close();
    await smtp?.close();
  });

  it('mails the past week to the recipients; events.csv matches the database; the signature verifies with /audit/public-key', async () => {
    const set = await api.gql(
      SET_RECIPIENTS,
      { input: { recipients: ['Auditor@Example.com', 'dpo@example.com'] } },
      { token: admin },
    );
    expect(set.errors).toBeUndefined();
    expect(set.data?.updateWeeklyReportSettings.recipients).toEqual([
      'auditor@example.com',
      'dpo@example.com',
    ]);
    // More events in this week, one with text a spreadsheet would run as a formula.
    await api.services.audit.append(api.services.orm.em.fork(), [
      { action: 'message.edited', actorId: 7, source: 'api', target: { type: 'user', id: 7 } },
      {
        action: 'post.deleted',
        actorId: 8,
        source: 'extension',
        userAgent: '=HYPERLINK("x")',
        metadata: { n: 1 },
      },
    ]);
    const week = formatIsoWeek(isoWeekOfDate(new Date()));
    const outcome = await api.services.reports.generate(api.services.orm.em.fork(), week);
    expect(outcome).toMatchObject({ created: true, mailed: true, mailError: null });
    expect(outcome.report).toMatchObject({ mailStatus: 'SENT', mailAttempts: 1 });

    const mail = await eventually(() => smtp.mails[0], 'the mail');
    expect(mail.to.sort()).toEqual(['auditor@example.com', 'dpo@example.com']);
    const parsed = await simpleParser(mail.raw);
    expect(parsed.subject).toContain(week);
    const attachment = parsed.attachments.find((a) => a.filename === `audit-week-${week}.zip`);
    expect(attachment).toBeDefined();
    const files = await readZip(attachment!.content);
    expect([...files.keys()].sort()).toEqual([
      'digest.json',
      'edits.csv',
      'events.csv',
      'events.jsonl',
      'impersonations.csv',
    ]);
    const digest = JSON.parse(files.get('digest.json')!.toString('utf8')) as WeeklyDigest;

    // events.csv is exactly the week's rows of audit_event, in chain order (the report's own event
    // "report.weekly.generated" was written after the file, so it follows lastSeq).
    const period = weekPeriod(isoWeekOfDate(new Date()));
    const rows = (
      await sql<EventRow>(
        api.services.orm.em.fork(),
        `select ${EVENT_COLUMNS} from audit_event where received_at >= ? and received_at < ? order by seq`,
        [period.start, period.end],
      )
    ).map(toRecord);
    const inFile = rows.filter((r) => r.seq <= digest.lastSeq!);
    expect(rows.slice(inFile.length).map((r) => r.action)).toEqual(['report.weekly.generated']);
    expect(inFile.length).toBeGreaterThanOrEqual(3);
    const csv = parse(files.get('events.csv')!, { relax_column_count: false }) as string[][];
    expect(csv[0]).toEqual([...AUDIT_CSV_COLUMNS]);
    const ref = (key: string | null) => sessionRefOf(api.services.secret, key);
    expect(csv.slice(1)).toEqual(inFile.map((r) => auditCsvRow(r, ref).map(String)));
    // Session keys stay with their administrators: the file names sessions by their keyed reference.
    const keys = inFile.map((r) => r.sessionKey).filter((k): k is string => k !== null);
    for (const [name, content] of files) {
      for (const key of keys) expect(content.toString('utf8'), name).not.toContain(key);
    }
    expect(csv.flat()).toContain(`'=HYPERLINK("x")`);
    const jsonl = files
      .get('events.jsonl')!
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(jsonl.map((e) => e.hash)).toEqual(inFile.map((r) => r.hash));
    expect(digest).toMatchObject({
      week,
      eventCount: inFile.length,
      firstSeq: inFile[0]!.seq,
      lastSeq: inFile.at(-1)!.seq,
      firstHash: inFile[0]!.hash,
      lastHash: inFile.at(-1)!.hash,
      firstPrevHash: inFile[0]!.prevHash,
      previousDigestHash: null,
    });

    // The signature, checked with the key the API serves (not the one inside the file).
    const response = await api.fetch('/audit/public-key');
    expect(response.status).toBe(200);
    const pem = await response.text();
    expect(pem).toContain('BEGIN PUBLIC KEY');
    expect(pem).not.toContain('PRIVATE');
    const { signature, ...unsigned } = digest;
    expect(
      verify(
        null,
        Buffer.from(canonicalJson(unsigned)),
        createPublicKey(pem),
        Buffer.from(signature.value, 'base64'),
      ),
    ).toBe(true);
    expect(verifyDigestFile(attachment!.content, pem)).toMatchObject({ ok: true, problems: [] });

    // The stored file is the one that was mailed.
    const stored = await readFile(api.services.reports.pathOf(outcome.report));
    expect(stored.equals(attachment!.content)).toBe(true);
  });
});
