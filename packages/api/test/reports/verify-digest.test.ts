import { generateKeyPairSync, sign } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/modules/audit/canonical-json.ts';
import { ZipWriter } from '../../src/modules/dsr/export/zip-writer.ts';
import { ContentVersion } from '../../src/modules/edits/content-version.entity.ts';
import { ImpersonationSession } from '../../src/modules/impersonation/impersonation-session.entity.ts';
import { sessionRefOf } from '../../src/modules/impersonation/session-keys.ts';
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
    // Another machine: its own DATA_DIR, and the API's keys only where a command needs them to sign.
    env = { DATABASE_URL: api.databaseUrl, DATA_DIR: dir };
    await api.services.audit.append(api.services.orm.em.fork(), [
      { action: 'message.edited', actorId: 4, source: 'api' },
      // An action of the administrator's session: its key must not reach the files.
      { action: 'impersonation.action', actorId: 1, sessionKey: 'a'.repeat(64), source: 'api' },
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
  /** The operator on the API's machine: the same keys folder. */
  const serverEnv = () => ({ ...env, AUDIT_KEYS_DIR: path.join(api.services.config.DATA_DIR, 'keys') });
  afterAll(async () => {
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('passes an untouched file against the served key: PEM, the /audit/public-keys JSON, base64, or the server’s own keys', async () => {
    const pemFile = path.join(dir, 'public.pem');
    await writeFile(pemFile, await (await api.fetch('/audit/public-key')).text());
    const listFile = path.join(dir, 'public-keys.json');
    const list = await (await api.fetch('/audit/public-keys')).json();
    await writeFile(listFile, JSON.stringify(list));
    const keyId = list.keys[0].keyId;
    for (const given of [pemFile, listFile, list.keys[0].publicKey]) {
      const ok = await runCli(['audit', 'verify-digest', original, '--public-key', given], env);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(
        new RegExp(
          `^OK: \\d{4}-W\\d{2}, 2 events, 4 files match, signature valid \\(key ${keyId}, given key\\)`,
        ),
      );
    }
    // The operator on the server: the keys where the API keeps them, no flag needed.
    const onServer = await runCli(['audit', 'verify-digest', original], serverEnv());
    expect(onServer.code, onServer.stderr).toBe(0);
    expect(onServer.stdout).toContain(`(key ${keyId}, this server’s published keys)`);
    expect(verifyDigestFile(await readFile(original), { publicKeys: list.keys })).toMatchObject({ ok: true });
  });

  it('refuses to check without a key: none given, none on this machine, no explicit trust', async () => {
    const run = await runCli(['audit', 'verify-digest', original], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('error: no key to check against: give --public-key');
  });

  it('a file re-signed with another key that it carries fails by default, and passes only with --trust-embedded-key', async () => {
    const forged = generateKeyPairSync('ed25519');
    const digest = JSON.parse(entries.get('digest.json')!.toString('utf8'));
    const { signature: _old, ...unsigned } = digest;
    unsigned.eventCount = 0; // the rewrite the forger wanted
    unsigned.publicKey = forged.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const value = sign(null, Buffer.from(canonicalJson(unsigned)), forged.privateKey).toString('base64');
    const resigned = await rezip(dir, entries, {
      'digest.json': Buffer.from(canonicalJson({ ...unsigned, signature: { algorithm: 'Ed25519', value } })),
    });
    const served = (await (await api.fetch('/audit/public-keys')).json()).keys[0].publicKey;
    const byDefault = await runCli(['audit', 'verify-digest', resigned, '--public-key', served], env);
    expect(byDefault.code).toBe(2);
    expect(byDefault.stdout).toMatch(/^FAILED signature: does not verify against the given public keys$/m);
    const onServer = await runCli(['audit', 'verify-digest', resigned], serverEnv());
    expect(onServer.code).toBe(2);

    const trusting = await runCli(['audit', 'verify-digest', resigned, '--trust-embedded-key'], env);
    expect(trusting.code, trusting.stdout).toBe(0);
    expect(trusting.stdout).toMatch(/^OK: .*0 events.*key inside the file/);
    expect(trusting.stderr).toContain('warning: checking against the key inside the file');
  });

  it('names the file whose content changed, and one added or removed', async () => {
    const csv = entries.get('events.csv')!.toString('utf8').replace('message.edited', 'message.deleted');
    const tampered = await rezip(dir, entries, { 'events.csv': Buffer.from(csv) });
    const run = await runCli(['audit', 'verify-digest', tampered], serverEnv());
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(
      /^FAILED events\.csv: SHA-256 [0-9a-f]{64} does not match the digest's [0-9a-f]{64}$/m,
    );
    expect(run.stdout).not.toContain('signature');

    const check = verifyDigestFile(
      await readFile(await rezip(dir, entries, { 'edits.csv': null, 'extra.txt': Buffer.from('x') })),
      await api.services.reports.publicKeyPem(),
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
    expect(wrong.problems).toEqual([
      expect.stringMatching(/^signature: no given public key has the key id [0-9a-f]{16}$/),
    ]);

    const digest = JSON.parse(entries.get('digest.json')!.toString('utf8'));
    digest.eventCount = 0;
    const edited = await rezip(dir, entries, { 'digest.json': Buffer.from(JSON.stringify(digest)) });
    const run = await runCli(['audit', 'verify-digest', edited], serverEnv());
    expect(run.code).toBe(2);
    expect(run.stdout.trim()).toBe('FAILED signature: does not verify against the given public keys');
  });

  it('keeps the stored file readable by the service user only', async () => {
    expect((await stat(original)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(original))).mode & 0o777).toBe(0o700);
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
      session_ref: sessionRefOf(api.services.secret, 'a'.repeat(64)),
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
    for (const file of ['impersonations.csv', 'edits.csv', 'events.csv', 'events.jsonl'])
      expect(entries.get(file)!.toString(), file).not.toContain('a'.repeat(64));
  });

  it('report weekly on the CLI returns the stored file, and makes it anew with --force', async () => {
    const week = formatIsoWeek(isoWeekOfDate(new Date()));
    const stored = await runCli(['report', 'weekly', '--week', week], serverEnv());
    expect(stored.code, stored.stderr).toBe(0);
    const first = JSON.parse(stored.stdout);
    expect(first).toMatchObject({ week, created: false, mailed: false });
    const forced = await runCli(['report', 'weekly', '--week', week, '--force'], serverEnv());
    expect(forced.code, forced.stderr).toBe(0);
    const second = JSON.parse(forced.stdout);
    expect(second).toMatchObject({
      id: first.id,
      week,
      created: true,
      mailed: false,
      mailStatus: 'SKIPPED',
      mailError: 'SMTP is not configured (SMTP_URL).',
    });
    expect(second.digestHash).not.toBe(first.digestHash);
    const bad = await runCli(['report', 'weekly', '--week', '2026-W99'], serverEnv());
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('2026 has no week 99');
  });
});
