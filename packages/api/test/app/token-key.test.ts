import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { openTokenCipher } from '../../src/modules/keys/token-key.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('the token encryption key', () => {
  let db: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'b24-token-key-'));
  });
  afterAll(async () => {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is made on first start as a private file, and a different key is a clear start-up error', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const cipher = await openTokenCipher(config, { em: db.orm.em.fork(), create: true });
    const stored = cipher.encrypt('a token', 'ctx');
    expect(stored).not.toContain('a token');
    // The same file opens again (a worker reads it, makes nothing).
    const again = await openTokenCipher(config, { em: db.orm.em.fork(), create: false });
    expect(again.decrypt(stored, 'ctx')).toBe('a token');
    expect(() => again.decrypt(stored, 'another row')).toThrow(/does not open/);

    const wrong = randomBytes(32).toString('base64');
    const withWrongKey = loadConfig({ DATA_DIR: dataDir, TOKEN_ENCRYPTION_KEY: wrong });
    await expect(openTokenCipher(withWrongKey, { em: db.orm.em.fork(), create: true })).rejects.toThrow(
      /TOKEN_ENCRYPTION_KEY is not the key the stored portal tokens were encrypted with/,
    );
    expect(() => loadConfig({ TOKEN_ENCRYPTION_KEY: 'short' })).toThrow(
      /Invalid TOKEN_ENCRYPTION_KEY: must be 32 bytes/,
    );
    expect(() => loadConfig({ TOKEN_ENCRYPTION_KEY: 'short' })).not.toThrow(/short/);
  });
});
