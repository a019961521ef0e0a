import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, resolveDatabase } from '../../src/db/index.ts';
import { SystemSetting } from '../../src/db/system-setting.entity.ts';

const dirs: string[] = [];
async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'b24-db-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('resolveDatabase', () => {
  it('uses a postgres:// URL as it is, and refuses other schemes', async () => {
    const db = await resolveDatabase({
      databaseUrl: 'postgresql://u@db.example:5432/app',
      dataDir: '/unused',
    });
    expect(db).toMatchObject({ kind: 'postgres', url: 'postgresql://u@db.example:5432/app' });
    await db.close();
    await expect(resolveDatabase({ databaseUrl: 'mysql://x', dataDir: '/unused' })).rejects.toThrow(
      /postgres/,
    );
  });
});

describe('embedded database in a data folder', () => {
  it('keeps what was written across closing and reopening, without migrating twice', async () => {
    const dataDir = await tempDataDir();
    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe('pglite');
    expect(first.url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/postgres$/);
    const em = first.orm.em.fork();
    em.create(SystemSetting, { key: 'installed', value: { version: 1 } });
    await em.flush();
    await first.close();
    await first.close(); // twice is harmless

    const second = await openDatabase({ dataDir });
    try {
      const found = await second.orm.em.fork().findOneOrFail(SystemSetting, { key: 'installed' });
      expect(found.value).toEqual({ version: 1 });
      expect(await second.orm.migrator.getPending()).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('is opened by one process at a time; others connect through its URL, from another OS process too', async () => {
    const dataDir = await tempDataDir();
    const db = await openDatabase({ dataDir });
    try {
      await expect(resolveDatabase({ dataDir })).rejects.toThrow(/in use by process/);
      const script = `
        import pg from 'pg';
        const client = new pg.Client({ connectionString: process.env.URL });
        await client.connect();
        const { rows } = await client.query('select count(*)::int as n from system_setting');
        await client.end();
        process.stdout.write(JSON.stringify(rows[0]));`;
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        cwd: path.resolve(import.meta.dirname, '../..'),
        env: { ...process.env, URL: db.url },
      });
      expect(JSON.parse(stdout)).toEqual({ n: 0 });
    } finally {
      await db.close();
    }
    const reopened = await resolveDatabase({ dataDir });
    await reopened.close();
  });
});
