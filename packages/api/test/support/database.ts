import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Options } from '@mikro-orm/postgresql';
import pg from 'pg';
import { MEMORY, startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { type DatabaseKind, initOrm, type Orm, runMigrations } from '../../src/db/index.ts';
import { MIGRATIONS_DIR } from '../../src/db/mikro-orm.config.ts';

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
  const migrate = options.migrate !== false;
  const serverUrl = process.env.DATABASE_URL;
  const target = serverUrl ? await createServerDatabase(serverUrl) : await createPgliteDatabase(migrate);
  let orm: Orm | undefined;
  try {
    orm = await initOrm({ url: target.url, kind: target.kind }, options.orm);
    if (migrate) await runMigrations(orm);
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

let migratedTemplate: Promise<Blob> | undefined;

async function createPgliteDatabase(migrated: boolean) {
  if (!migrated) return { ...(await startEmbeddedPostgres({ dataDir: MEMORY })), kind: 'pglite' as const };
  migratedTemplate ??= loadOrBuildTemplate();
  const embedded = await startEmbeddedPostgres({ dataDir: MEMORY, loadDataDir: await migratedTemplate });
  return { ...embedded, kind: 'pglite' as const };
}

/**
 * A fresh PGlite takes seconds (initdb, then every migration); one restored from a migrated copy takes a
 * fraction of one. The copy is shared by test files through the temp folder, keyed by the migrations and
 * the PGlite build, so a changed migration or upgrade makes a new one.
 */
async function loadOrBuildTemplate(): Promise<Blob> {
  const hash = createHash('sha256').update(import.meta.resolve('@electric-sql/pglite'));
  for (const file of (await readdir(MIGRATIONS_DIR)).sort()) {
    hash.update(file).update(await readFile(path.join(MIGRATIONS_DIR, file)));
  }
  const cached = path.join(tmpdir(), `b24-gdpr-pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
  const existing = await readFile(cached).catch(() => null);
  if (existing) return new Blob([existing]);

  const embedded = await startEmbeddedPostgres({ dataDir: MEMORY });
  let template: Blob;
  try {
    const orm = await initOrm({ url: embedded.url, kind: 'pglite' });
    await runMigrations(orm).finally(() => orm.close(true));
    template = await embedded.dump();
  } finally {
    await embedded.close();
  }
  // Written aside then renamed, so a test file running in parallel never reads half a template.
  const partial = `${cached}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(partial, Buffer.from(await template.arrayBuffer()));
  await rename(partial, cached);
  return template;
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
