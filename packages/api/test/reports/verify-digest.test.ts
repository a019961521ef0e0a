import { generateKeyPairSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipWriter } from '../../src/modules/dsr/export/zip-writer.ts';
import { ContentVersion } from '../../src/modules/edits/content-version.entity.ts';
import { ImpersonationSession } from '../../src/modules/impersonation/impersonation-session.entity.ts';
import { verifyDigestFile } from '../../src/modules/reports/digest.ts';
import { formatIsoWeek, isoWeekOfDate } from '../../src/modules/reports/iso-week.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { runCli } from '../support/cli-process.ts';
import { readZip } from '../support/zip.ts';

/** The same entries in a new ZIP, with `changes` applied (a changed file keeps its name). */
async function rezip(dir: string, entries: Map<string, Buffer>, changes: Record<string, Buffer | null>) {
  const file = path.join(dir, `changed-${Math.random().toString(36).slice(2)}.zip`);
  const zip = new ZipWriter(createWriteStream(file), new Date());
  for (const [name, content] of entries) {
    const next = name in changes ? changes[name] : content;
    if (next) await zip.add(name, Readable.from([next]));
  }
  for (const [name, content] of Object.entries(changes)) {
    if (content && !entries.has(name)) await zip.add(name, Readable.from([content]));
  }
  await zip.finish();
  return file;
}

describe('audit verify-digest', { timeout: 180_000 }, () => {
  let api: TestApi;
  let dir: string;
  let original: string;
  let entries: Map<string, Buffer>;
  let env: Record<string, string>;

  beforeAll(async () => {
    api = await startTestApi({ jobs: false });
    dir = await mkdtemp(path.join(tmpdir(), 'b24-digest-'));
    env = { DATABASE_URL: api.databaseUrl, DATA_DIR: dir };
    await api.services.audit.append(api.services.orm.em.fork(), [
      { action: 'message.edited', actorId: 4, source: 'api' },
    ]);
    const em = api.services.orm.em.fork();
    const now = new Date();
    em.create(ImpersonationSession, {
      adminUserId: 1,
      impersonatedUserId: 4,
      sessionKey: 'a'.repeat(64),
      ip: '127.0.0.1',
      userAgent: null,
      reason: '=cmd|calc',
      source: 'api',
      startedAt: now,
    });
    em.create(ContentVersion, {
      entityType: 'POST',
      entityId: '101',
      version: 1,
      text: 'secret text',
      textHash: 'b'.repeat(64),
      editedAt: now,
      editor: 4,
      sessionKey: null,
      source: 'api',
    });
    await em.flush();
    const outcome = await api.services.reports.generate(
      api.services.orm.em.fork(),
      formatIsoWeek(isoWeekOfDate(new Date())),
    );
    original = api.services.reports.pathOf(outcome.report);
    entries = await readZip(await readFile(original));
  });
  afterAll(async () => {
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('passes an untouched file, with the digest’s key and with the served key', async () => {
    const pem = await (await api.fetch('/audit/public-key')).text();
    const pemFile = path.join(dir, 'public.pem');
    await writeFile(pemFile, pem);
    const ok = await runCli(['audit', 'verify-digest', original, '--public-key', pemFile], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^OK: \d{4}-W\d{2}, 1 events, 4 files match, signature valid \(given key\)/);
    expect(verifyDigestFile(await readFile(original))).toMatchObject({ ok: true });
  });

  it('names the file whose content changed, and one added or removed', async () => {
    const csv = entries.get('events.csv')!.toString('utf8').replace('message.edited', 'message.deleted');
    const tampered = await rezip(dir, entries, { 'events.csv': Buffer.from(csv) });
    const run = await runCli(['audit', 'verify-digest', tampered], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(
      /^FAILED events\.csv: SHA-256 [0-9a-f]{64} does not match the digest's [0-9a-f]{64}$/m,
    );
    expect(run.stdout).not.toContain('signature');

    const check = verifyDigestFile(
      await readFile(await rezip(dir, entries, { 'edits.csv': null, 'extra.txt': Buffer.from('x') })),
    );
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      'edits.csv: listed in the digest but missing from the archive',
      'extra.txt: not listed in the digest',
    ]);
  });

  it('fails the signature with a wrong key, and when the digest itself was edited', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const wrong = verifyDigestFile(await readFile(original), other);
    expect(wrong.ok).toBe(false);
    expect(wrong.problems).toContain('signature: does not verify against the given public key');

    const digest = JSON.parse(entries.get('digest.json')!.toString('utf8'));
    digest.eventCount = 0;
    const edited = await rezip(dir, entries, { 'digest.json': Buffer.from(JSON.stringify(digest)) });
    const run = await runCli(['audit', 'verify-digest', edited], env);
    expect(run.code).toBe(2);
    expect(run.stdout.trim()).toBe("FAILED signature: does not verify against the digest's own public key");
  });

  it('lists the week’s impersonation sessions and edits (text hashes, not texts), neutralised', () => {
    const impersonations = parse(entries.get('impersonations.csv')!, { columns: true }) as Record<
      string,
      string
    >[];
    expect(impersonations).toHaveLength(1);
    expect(impersonations[0]).toMatchObject({
      admin_user_id: '1',
      impersonated_user_id: '4',
      session_key: 'a'.repeat(64),
      reason: "'=cmd|calc",
      ended_at: '',
    });
    const edits = parse(entries.get('edits.csv')!, { columns: true }) as Record<string, string>[];
    expect(edits).toEqual([
      expect.objectContaining({
        entity_type: 'POST',
        entity_id: '101',
        version: '1',
        text_hash: 'b'.repeat(64),
      }),
    ]);
    expect(entries.get('edits.csv')!.toString()).not.toContain('secret text');
  });

  it('report weekly on the CLI returns the stored file, and makes it anew with --force', async () => {
    const week = formatIsoWeek(isoWeekOfDate(new Date()));
    const stored = await runCli(['report', 'weekly', '--week', week], env);
    expect(stored.code, stored.stderr).toBe(0);
    const first = JSON.parse(stored.stdout);
    expect(first).toMatchObject({ week, created: false, mailed: false });
    const forced = await runCli(['report', 'weekly', '--week', week, '--force'], env);
    expect(forced.code, forced.stderr).toBe(0);
    const second = JSON.parse(forced.stdout);
    expect(second).toMatchObject({
      id: first.id,
      week,
      created: true,
      mailed: false,
      mailError: 'SMTP is not configured (SMTP_URL).',
    });
    expect(second.digestHash).not.toBe(first.digestHash);
    const bad = await runCli(['report', 'weekly', '--week', '2026-W99'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('2026 has no week 99');
  });
});
