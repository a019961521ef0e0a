import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { AuditService } from '../../src/modules/audit/audit.service.ts';
import { openKeys } from '../../src/modules/keys/open-keys.ts';
import type { PublishedKey } from '../../src/modules/keys/public-keys.ts';
import { AppSecret } from '../../src/modules/settings/app-secret.ts';
import { SettingsService } from '../../src/modules/settings/settings.service.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { runCli } from '../support/cli-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const mode = async (file: string) => (await stat(file)).mode & 0o777;

describe('keys outside the database', { timeout: 180_000 }, () => {
  let api: TestApi;
  let keysDir: string;
  beforeAll(async () => {
    api = await startTestApi({ jobs: false });
    keysDir = path.join(api.services.config.DATA_DIR, 'keys');
  });
  afterAll(() => api?.close());

  it('the first start makes them in DATA_DIR/keys: files 0600 in a 0700 folder, beside the database files', async () => {
    expect(await mode(keysDir)).toBe(0o700);
    for (const name of ['app-secret', 'signing-key.pem', 'public-keys.json'])
      expect(await mode(path.join(keysDir, name)), name).toBe(0o600);
    expect(Buffer.from(await readFile(path.join(keysDir, 'app-secret'), 'utf8'), 'base64')).toHaveLength(32);
    const { keys } = JSON.parse(await readFile(path.join(keysDir, 'public-keys.json'), 'utf8')) as {
      keys: PublishedKey[];
    };
    expect(keys).toEqual([
      expect.objectContaining({ validUntil: null, keyId: expect.stringMatching(/^[0-9a-f]{16}$/) }),
    ]);
    const rows = await api.services.orm.em
      .fork()
      .getConnection()
      .execute(
        `select key from system_setting where key = 'app.secret' union all select name from report_signing_key`,
      );
    expect(rows).toEqual([]);
  });

  it('refuses to start when a key file is readable by others, naming it', async () => {
    const secretFile = path.join(keysDir, 'app-secret');
    await chmod(secretFile, 0o644);
    try {
      await expect(
        openKeys(api.services.config, { em: api.services.orm.em.fork(), create: true }),
      ).rejects.toThrow(`${secretFile} is readable by others (mode 644): chmod 600 it (AUDIT_KEYS_DIR)`);
    } finally {
      await chmod(secretFile, 0o600);
    }
  });

  it('a CLI on another DATA_DIR makes no keys of its own: it stops and says where to look', async () => {
    const elsewhere = await mkdtemp(path.join(tmpdir(), 'b24-keys-elsewhere-'));
    try {
      const run = await runCli(['report', 'list'], { DATABASE_URL: api.databaseUrl, DATA_DIR: elsewhere });
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toBe(
        `error: no app secret at ${path.join(elsewhere, 'keys', 'app-secret')}: start the API once on this DATA_DIR, or set AUDIT_KEYS_DIR or APP_SECRET`,
      );
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('checks APP_SECRET and AUDIT_SIGNING_KEY at start-up without echoing them', () => {
    expect(() => loadConfig({ APP_SECRET: 'c2hvcnQ=' })).toThrow(
      /^Invalid APP_SECRET: must be base64 of 32 or more random bytes$/,
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(() => loadConfig({ AUDIT_SIGNING_KEY: String(rsa) })).toThrow(
      /^Invalid AUDIT_SIGNING_KEY: must be an Ed25519 private key: PEM, or base64 of its PKCS#8 DER$/,
    );
  });
});

describe('keys of an earlier version, kept in the database', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'b24-legacy-keys-'));
  });
  afterAll(async () => {
    await db?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('are moved to the key files once and deleted; the log committed with the old secret still verifies', async () => {
    const legacySecret = randomBytes(32).toString('base64');
    const legacyKey = generateKeyPairSync('ed25519', {
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const sql = (q: string, p: unknown[] = []) => db.orm.em.fork().getConnection().execute(q, p);
    await sql(
      `insert into system_setting (id, created_at, updated_at, key, value) values (gen_random_uuid(), now(), now(), 'app.secret', ?::jsonb)`,
      [JSON.stringify(legacySecret)],
    );
    await sql(
      `insert into report_signing_key (id, created_at, updated_at, name, public_key_pem, private_key_pem)
       values (gen_random_uuid(), '2026-01-05T00:00:00Z', now(), 'weekly-digest', ?, ?)`,
      [legacyKey.publicKey, legacyKey.privateKey],
    );
    const oldAudit = new AuditService(
      () => AppSecret.fromBytes(Buffer.from(legacySecret, 'base64')),
      new SettingsService(),
    );
    await oldAudit.append(db.orm.em.fork(), [{ action: 'message.edited', actorId: 4, source: 'api' }]);

    const config = loadConfig({ DATA_DIR: dataDir });
    const keys = await openKeys(config, { em: db.orm.em.fork(), create: true });
    expect((await readFile(path.join(dataDir, 'keys', 'app-secret'), 'utf8')).trim()).toBe(legacySecret);
    expect(await readFile(path.join(dataDir, 'keys', 'signing-key.pem'), 'utf8')).toBe(legacyKey.privateKey);
    const [published] = await keys.signing.published();
    expect(published).toMatchObject({
      publicKeyPem: legacyKey.publicKey,
      validFrom: '2026-01-05T00:00:00.000Z',
    });
    expect(await sql(`select 1 from system_setting where key = 'app.secret'`)).toEqual([]);
    expect(await sql('select 1 from report_signing_key')).toEqual([]);

    const verified = await new AuditService(() => keys.secret, new SettingsService()).verify(
      db.orm.em.fork(),
    );
    expect(verified).toMatchObject({ ok: true, checked: 1 });
    // A second start reads the files; nothing is left to move.
    const again = await openKeys(config, { em: db.orm.em.fork(), create: true });
    expect((await again.signing.current()).publicKeyPem).toBe(legacyKey.publicKey);
  });
});
