import path from 'node:path';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { DatabaseKind } from './database.ts';
import { entities } from './entities.ts';
import { FormattedMigrationGenerator } from './migration-generator.ts';
import { ormLogging } from './orm-logger.ts';

/** Committed migrations and the schema snapshot they were generated against. */
export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../migrations');

export interface OrmConfigOptions {
  url: string;
  kind: DatabaseKind;
  logger?: Logger | undefined;
}

/**
 * Pool size. PostgreSQL: pg's usual 10. PGlite: our server runs one transaction at a time, so extra
 * connections add no throughput; they only decide where a request waits. A few (4) let ORM requests wait in
 * the server's single FIFO alongside pg-boss and worker processes (fair turns for everybody), instead of
 * one at a time inside pg-pool, while staying well under the server's connection limit.
 */
const POOL = { postgres: { min: 0, max: 10 }, pglite: { min: 0, max: 4 } } as const;

/**
 * Session settings of the pool's connections to a PostgreSQL server (sent at connection start).
 *
 * `plan_cache_mode = force_generic_plan`: a statement with bound parameters is planned once per connection
 * instead of on every run. MikroORM writes its parameters into the text, so on this pool that concerns only
 * the audit log's own statements (`boundSql`: the page read, prepared by name, and `audit_append`, whose
 * statements inside are cached the same way). Their best plan does not depend on the values: every page
 * filter has an index that leads with it, ordered by time. Left to choose, PostgreSQL planned the
 * time-range page anew on every read, which cost more than running it (`pnpm bench audit`: the prepared
 * raw read took ×1.0 of the unnamed one's time when PostgreSQL kept custom plans, ×0.4 with the generic).
 */
const POSTGRES_SESSION = '-c plan_cache_mode=force_generic_plan';

export function createOrmConfig({ url, kind, logger }: OrmConfigOptions): Options {
  return defineConfig({
    clientUrl: url,
    entities,
    extensions: [Migrator],
    // Every request and job works in its own `orm.em.fork()`; the global EntityManager refuses queries.
    allowGlobalContext: false,
    pool: POOL[kind],
    ...(kind === 'postgres' ? { driverOptions: { options: POSTGRES_SESSION } } : {}),
    // Our database functions (audit_append) live in hand-written migrations, not in entity metadata: the
    // schema diff must neither drop nor rewrite them.
    schemaGenerator: { ignoreRoutines: true },
    migrations: {
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      glob: 'Migration*.ts',
      emit: 'ts',
      generator: FormattedMigrationGenerator,
      // One name whatever the database is called (tests use random ones).
      snapshotName: '.snapshot',
      // The snapshot is written by `createMigration` only; start-up must never touch the source tree.
      snapshotOnMigrate: false,
      // A batch of pending migrations applies entirely or not at all.
      transactional: true,
      allOrNothing: true,
      silent: !logger,
    },
    ...ormLogging(logger),
  });
}
