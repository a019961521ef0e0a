import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/config/logger.ts';
import { openTokenCipher, tokenKeyFile } from '../../src/modules/keys/token-key.ts';
import { startApi } from '../../src/start.ts';
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

  it('a wrong key stops `pnpm start` with one plain line, no stack', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'b24-token-key-'));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(API_ROOT, 'src/main.ts')], {
      cwd: API_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        DATA_DIR: other,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        BITRIX24_MODE: 'app',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    await rm(other, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^start-up failed: TOKEN_ENCRYPTION_KEY is not the key the stored portal tokens/),
    ]);
    expect(stdout).not.toContain('stack');
  }, 60_000);

  it('is not written when start-up then fails for another reason', async () => {
    const fresh = await createTestDatabase();
    const dir = await mkdtemp(path.join(tmpdir(), 'b24-token-key-'));
    // The port is taken: the start fails after the key was made.
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const config = loadConfig({
        DATA_DIR: dir,
        DATABASE_URL: fresh.url,
        HOST: '127.0.0.1',
        PORT: String(port),
        BITRIX24_MODE: 'app',
      });
      await expect(startApi(config, createLogger('silent', false))).rejects.toThrow();
      expect(existsSync(tokenKeyFile(config))).toBe(false);
      // Nor its check value: the next start makes a key and starts.
      await expect(openTokenCipher(config, { em: fresh.orm.em.fork(), create: true })).resolves.toBeDefined();
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      await fresh.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

const API_ROOT = path.resolve(import.meta.dirname, '../..');
