import { type DatabaseConfig, type DatabaseKind, resolveDatabase } from './database.ts';
import { runMigrations } from './migrations.ts';
import { initOrm, type Orm } from './orm.ts';

export type { DatabaseConfig, DatabaseKind, ResolvedDatabase } from './database.ts';
export { resolveDatabase } from './database.ts';
export { entities } from './entities.ts';
export { type CreateMigrationOptions, createMigration, runMigrations } from './migrations.ts';
export { initOrm, type Orm } from './orm.ts';
export { uuidv7 } from './uuid.ts';

export interface OpenDatabaseConfig extends DatabaseConfig {
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
}

export interface Database {
  orm: Orm;
  url: string;
  kind: DatabaseKind;
  /** Closes the ORM, then the embedded server if there is one. Safe to call twice. */
  close(): Promise<void>;
}

/** Resolves the connection, connects MikroORM and applies pending migrations. */
export async function openDatabase(config: OpenDatabaseConfig): Promise<Database> {
  const resolved = await resolveDatabase(config);
  let orm: Orm | undefined;
  try {
    orm = await initOrm({ url: resolved.url, kind: resolved.kind, logger: config.logger });
    if (config.migrate !== false) {
      const applied = await runMigrations(orm);
      if (applied.length > 0) config.logger?.info({ migrations: applied }, 'database migrated');
    }
  } catch (error) {
    await orm?.close().catch(() => {});
    await resolved.close();
    throw error;
  }
  const opened = orm;
  let closing: Promise<void> | undefined;
  return {
    orm: opened,
    url: resolved.url,
    kind: resolved.kind,
    close: () => {
      closing ??= opened.close().finally(() => resolved.close());
      return closing;
    },
  };
}

/** Applies pending migrations to the configured database and closes it. For the CLI. */
export async function migrateUp(config: Omit<OpenDatabaseConfig, 'migrate'>): Promise<string[]> {
  const db = await openDatabase({ ...config, migrate: false });
  try {
    return await runMigrations(db.orm);
  } finally {
    await db.close();
  }
}
