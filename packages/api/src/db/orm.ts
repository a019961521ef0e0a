import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { createOrmConfig, type OrmConfigOptions } from './mikro-orm.config.ts';

export type Orm = MikroORM;

/** Connects MikroORM without touching the schema. `overrides` are for tests (e.g. a `migrationsList`). */
export function initOrm(options: OrmConfigOptions, overrides: Partial<Options> = {}): Promise<Orm> {
  const config = createOrmConfig(options);
  return MikroORM.init({
    ...config,
    ...overrides,
    migrations: { ...config.migrations, ...overrides.migrations },
  });
}
