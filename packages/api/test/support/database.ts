import { randomBytes } from 'node:crypto';
import type { Options } from '@mikro-orm/postgresql';
import pg from 'pg';
import { type DatabaseKind, initOrm, type Orm, resolveDatabase, runMigrations } from '../../src/db/index.ts';

export interface TestDatabase {
  orm: Orm;
  url: string;
  kind: DatabaseKind;
  close(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Apply the committed migrations (default true). */
  migrate?: boolean;
  /** MikroORM overrides, e.g. a `migrationsList` to exercise the migrator. */
  orm?: Partial<Options>;
}

/**
 * A fresh, migrated database. With `DATABASE_URL` set (CI), a new uniquely named database on that server,
 * dropped on close; without it, an in-memory PGlite served by our loopback server. Same code either way.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  const target = serverUrl ? await createServerDatabase(serverUrl) : await inMemory();
  let orm: Orm | undefined;
  try {
    orm = await initOrm({ url: target.url, kind: target.kind }, options.orm);
    if (options.migrate !== false) await runMigrations(orm);
  } catch (error) {
    await orm?.close().catch(() => {});
    await target.close();
    throw error;
  }
  const opened = orm;
  let closing: Promise<void> | undefined;
  return {
    orm: opened,
    url: target.url,
    kind: target.kind,
    close: () => {
      closing ??= opened.close(true).finally(() => target.close());
      return closing;
    },
  };
}

async function inMemory() {
  return resolveDatabase({ databaseUrl: 'memory://', dataDir: 'memory://' });
}

async function createServerDatabase(serverUrl: string) {
  const name = `b24_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: 'postgres' as const,
    close: () => withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function withAdmin(serverUrl: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
